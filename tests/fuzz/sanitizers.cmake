# Included by the top-level CMakeLists.txt when SEEDBOOT_FUZZ=ON, before any target exists, so
# that libseedboot and the builder are instrumented like the fuzz targets themselves.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SEEDBOOT_FUZZ needs clang (libFuzzer): configure a separate build folder "
    "with -DCMAKE_CXX_COMPILER=clang++ (make fuzz does)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS -Wno-unknown-warning-option)
add_link_options(-fsanitize=address,undefined)
