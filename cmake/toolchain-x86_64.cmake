# Guest programs for x86_64: the host compiler and the host's static libraries.
set(SEEDBOOT_GUEST ON CACHE BOOL "" FORCE)
