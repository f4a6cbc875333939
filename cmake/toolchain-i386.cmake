# Guest programs for i386: the Debian cross compiler, and the static libraries
# unpacked by tools/make-sysroot.sh into SEEDBOOT_SYSROOT.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i386)
set(CMAKE_CXX_COMPILER i686-linux-gnu-g++)
set(CMAKE_C_COMPILER i686-linux-gnu-gcc)
if(NOT SEEDBOOT_SYSROOT)
  message(FATAL_ERROR "set SEEDBOOT_SYSROOT to the folder made by tools/make-sysroot.sh i386")
endif()
include_directories(SYSTEM ${SEEDBOOT_SYSROOT}/usr/include)
link_directories(${SEEDBOOT_SYSROOT}/usr/lib/i386-linux-gnu)
set(SEEDBOOT_GUEST ON CACHE BOOL "" FORCE)
