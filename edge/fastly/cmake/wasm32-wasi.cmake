# CMake toolchain: C++17 for wasm32-wasi with Debian's clang and wasi-libc / libc++ for wasm32
# (packages wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32
# lld-14; /work/shared/toolchain.md, "WASI"). Used by edge/fastly/CMakeLists.txt:
#   cmake -S edge/fastly -B build/fastly -DCMAKE_TOOLCHAIN_FILE=edge/fastly/cmake/wasm32-wasi.cmake
#
# The sysroot is a clean folder in the build tree that holds only wasi-libc's headers and
# libraries (include -> /usr/include/wasm32-wasi, lib/wasm32-wasi -> /usr/lib/wasm32-wasi):
# `--sysroot=/usr` would let the host's glibc headers leak into the build.
set(CMAKE_SYSTEM_NAME Generic)  # CMake 3.25 has no WASI platform module
set(CMAKE_SYSTEM_PROCESSOR wasm32)

set(ROLLGATE_WASI_CLANG_VERSION 14 CACHE STRING "Debian clang version for wasm32-wasi (14 or 19)")
find_program(CMAKE_C_COMPILER NAMES clang-${ROLLGATE_WASI_CLANG_VERSION} REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES clang++-${ROLLGATE_WASI_CLANG_VERSION} REQUIRED)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)

# try_compile projects run this file again in their own binary dir: hand them the main
# project's sysroot instead of making another.
if(NOT ROLLGATE_WASI_SYSROOT)
  set(ROLLGATE_WASI_SYSROOT "${CMAKE_BINARY_DIR}/wasi-sysroot")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ROLLGATE_WASI_SYSROOT ROLLGATE_WASI_CLANG_VERSION)
if(NOT EXISTS "/usr/include/wasm32-wasi/stdio.h")
  message(FATAL_ERROR "wasi-libc is not installed (apt-get install wasi-libc libc++-14-dev-wasm32 "
                      "libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32 lld-14)")
endif()
if(NOT EXISTS "${ROLLGATE_WASI_SYSROOT}/include")
  file(MAKE_DIRECTORY "${ROLLGATE_WASI_SYSROOT}/lib")
  file(CREATE_LINK /usr/include/wasm32-wasi "${ROLLGATE_WASI_SYSROOT}/include" SYMBOLIC)
  file(CREATE_LINK /usr/lib/wasm32-wasi "${ROLLGATE_WASI_SYSROOT}/lib/wasm32-wasi" SYMBOLIC)
endif()
set(CMAKE_SYSROOT "${ROLLGATE_WASI_SYSROOT}")

# libc++ for wasm32 installs its headers under wasi-libc's include folder, where clang does not
# look by itself.
set(CMAKE_CXX_FLAGS_INIT "-isystem /usr/include/wasm32-wasi/c++/v1")

set(CMAKE_FIND_ROOT_PATH "${ROLLGATE_WASI_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
