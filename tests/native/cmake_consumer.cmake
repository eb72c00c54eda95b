# Installs rollgate into <build>/consumer/prefix, then configures, builds and runs examples/native
# against that prefix only. Fails if any step fails or an example's output differs from its .output.
set(prefix "${BUILD_DIR}/consumer/prefix")
set(work "${BUILD_DIR}/consumer/build")
file(REMOVE_RECURSE "${prefix}" "${work}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/native" -B "${work}" -G "${GENERATOR}"
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${work}" -j2)

# Every example with an .output file must print exactly that (examples are tests).
file(GLOB outputs "${SOURCE_DIR}/examples/native/*.output")
foreach(expected_file ${outputs})
  get_filename_component(name "${expected_file}" NAME_WE)
  execute_process(COMMAND "${work}/${name}" WORKING_DIRECTORY "${SOURCE_DIR}/examples/native"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE actual)
  file(READ "${expected_file}" expected)
  if(NOT rc EQUAL 0 OR NOT actual STREQUAL expected)
    message(FATAL_ERROR "example ${name} (exit ${rc}) printed:\n${actual}\nexpected:\n${expected}")
  endif()
  message(STATUS "example ${name}: output matches")
endforeach()
