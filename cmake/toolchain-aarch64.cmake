# Guest programs for aarch64: the Debian cross compiler, and the static libraries
# unpacked by tools/make-sysroot.sh into SEEDBOOT_SYSROOT.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SEEDBOOT_SYSROOT)
if(NOT SEEDBOOT_SYSROOT)
  message(FATAL_ERROR "set SEEDBOOT_SYSROOT to the folder made by tools/make-sysroot.sh aarch64")
endif()
set(CMAKE_CXX_FLAGS_INIT "-isystem ${SEEDBOOT_SYSROOT}/usr/include")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${SEEDBOOT_SYSROOT}/usr/lib/aarch64-linux-gnu")
set(SEEDBOOT_GUEST ON CACHE BOOL "" FORCE)
