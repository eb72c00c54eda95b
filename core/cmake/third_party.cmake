# Header-only third-party dependencies, gathered into one INTERFACE target that rollgate links
# PRIVATE (behind $<BUILD_INTERFACE>), so our public headers and installed package need none of them.
#
# Native builds find Debian's packages the usual way. Under emcmake the toolchain file confines
# find_package/find_path to Emscripten's sysroot, and -I/usr/include would drag in glibc headers,
# so we make a build-tree folder holding only symlinks to the three header trees we need
# (see ../shared/toolchain.md). The Fastly Compute service (edge/fastly, wasm32-wasi) is its own
# CMake project that compiles a few core sources without exceptions, with the same kind of shim.
add_library(rollgate_third_party INTERFACE)

if(EMSCRIPTEN)
  set(_rg_shim "${CMAKE_BINARY_DIR}/third_party_include")
  file(MAKE_DIRECTORY "${_rg_shim}")
  foreach(_rg_item nlohmann boost xxhash.h)
    if(NOT EXISTS "/usr/include/${_rg_item}")
      message(FATAL_ERROR "rollgate: /usr/include/${_rg_item} is missing; run scripts/bootstrap.sh "
                          "(it installs nlohmann-json3-dev, libboost-dev and libxxhash-dev)")
    endif()
    file(CREATE_LINK "/usr/include/${_rg_item}" "${_rg_shim}/${_rg_item}" SYMBOLIC)
  endforeach()
  target_include_directories(rollgate_third_party SYSTEM INTERFACE "${_rg_shim}")
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  find_package(Boost 1.71 REQUIRED)
  find_path(ROLLGATE_XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
  target_link_libraries(rollgate_third_party INTERFACE nlohmann_json::nlohmann_json Boost::headers)
  target_include_directories(rollgate_third_party SYSTEM INTERFACE "${ROLLGATE_XXHASH_INCLUDE_DIR}")
endif()

# xxHash is used inline (XXH_INLINE_ALL in src/bucket.cpp), so no libxxhash is linked.
# Boost.Math: we never want it to throw through our API or to call errno-based policies.
target_compile_definitions(rollgate_third_party INTERFACE
  BOOST_MATH_DOMAIN_ERROR_POLICY=throw_on_error
  BOOST_MATH_OVERFLOW_ERROR_POLICY=throw_on_error)
