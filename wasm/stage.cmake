# Copies the Emscripten output (rollgate.mjs, rollgate.wasm) and the hand-written loaders and
# declarations into DIST, and into PACKAGE_DIST when given (the release flavour fills dist/).
#
# Debug flavour only: -sASSERTIONS makes the glue throw when it runs outside a browser window or
# a classic worker ("environment detection error", "node environment detected but not enabled").
# Those checks guard the glue's own file loading, which our loaders never use (they hand it the
# instance in every environment), and the ES module glue cannot enable "node" (it would use
# __dirname). So the three checks are neutralised here, each one verified to exist, so that an
# Emscripten upgrade that changes them fails the build instead of silently shipping them.
# Copies both modules: the full one (rollgate.*) and the flags-only one (rollgate-flags.*), then
# bundles the flags entry's shared JS modules into flags-core.js (wasm/bundle-flags.mjs; NODE is
# the node executable).
function(rg_read_glue name out)
  file(READ ${BUILD_DIR}/${name}.mjs _glue)
  if(FLAVOUR STREQUAL "debug")
    foreach(_check
      "throw new Error('environment detection error');"
      "assert(!ENVIRONMENT_IS_NODE, \"node environment detected but not enabled at build time.  Add 'node' to `-s ENVIRONMENT` to enable.\");"
      "assert(!ENVIRONMENT_IS_SHELL, \"shell environment detected but not enabled at build time.  Add 'shell' to `-s ENVIRONMENT` to enable.\");")
    string(FIND "${_glue}" "${_check}" _at)
    if(_at EQUAL -1)
      message(FATAL_ERROR "stage.cmake: expected check not found in ${name}.mjs: ${_check}")
    endif()
    string(REPLACE "${_check}" "/* rollgate: environment check removed (wasm/stage.cmake) */" _glue "${_glue}")
  endforeach()
  endif()
  set(${out} "${_glue}" PARENT_SCOPE)
endfunction()
rg_read_glue(rollgate _glue)
rg_read_glue(rollgate-flags _flags_glue)

foreach(_dir ${DIST} ${PACKAGE_DIST})
  file(REMOVE_RECURSE ${_dir})
  file(MAKE_DIRECTORY ${_dir})
  file(WRITE ${_dir}/rollgate.mjs "${_glue}")
  file(WRITE ${_dir}/rollgate-flags.mjs "${_flags_glue}")
  file(COPY ${BUILD_DIR}/rollgate.wasm ${BUILD_DIR}/rollgate-flags.wasm DESTINATION ${_dir})
  file(GLOB _js ${SOURCE_DIR}/js/*.js)
  file(GLOB _types ${SOURCE_DIR}/types/*.d.ts)
  file(GLOB _type_parts ${SOURCE_DIR}/types/api/*.d.ts)  # index.d.ts re-exports them
  file(COPY ${_js} ${_types} DESTINATION ${_dir})
  file(COPY ${_type_parts} DESTINATION ${_dir}/api)
  file(WRITE ${_dir}/build-info.json "{\"flavour\": \"${FLAVOUR}\"}\n")
  # The flags entry's shared modules as one file, the others pointed at it (wasm/bundle-flags.mjs).
  execute_process(COMMAND ${NODE} ${SOURCE_DIR}/bundle-flags.mjs ${_dir}
                  RESULT_VARIABLE _bundled OUTPUT_VARIABLE _bundle_log ERROR_VARIABLE _bundle_log)
  if(NOT _bundled EQUAL 0)
    message(FATAL_ERROR "stage.cmake: wasm/bundle-flags.mjs failed for ${_dir} (run npm ci first: "
                        "esbuild is a devDependency):\n${_bundle_log}")
  endif()
  message(STATUS "${_bundle_log}")
endforeach()
file(TOUCH ${DIST}/.stamp)
