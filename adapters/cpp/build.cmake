# Configures and builds the C++ adapter in one command, so that the runner's registry entry can be a plain
# argv whose program is cmake (a missing cmake is then reported as a missing toolchain, not a failed build).
#   cmake -P build.cmake                              build/       Release, every target
#   cmake -DVARIANT=asan -P build.cmake               build-asan/  ASan + UBSan, every target
#   cmake -DTARGET=rsm-adapter -P build.cmake         only the adapter program (needs no GoogleTest)
# The first configure fetches the JSON library with pip (nlohmann_json.cmake); later ones run offline.
if(NOT DEFINED VARIANT)
  set(VARIANT release)
endif()
if(VARIANT STREQUAL "release")
  set(dir "${CMAKE_CURRENT_LIST_DIR}/build")
  set(options -DCMAKE_BUILD_TYPE=Release -DRSM_SANITIZE=OFF)
elseif(VARIANT STREQUAL "asan")
  set(dir "${CMAKE_CURRENT_LIST_DIR}/build-asan")
  set(options -DCMAKE_BUILD_TYPE=Debug -DRSM_SANITIZE=ON)
else()
  message(FATAL_ERROR "VARIANT must be release or asan, not ${VARIANT}")
endif()
# Every target: the unit tests too, so a missing GoogleTest is an error. One target (the registry builds
# rsm-adapter): the tests only where GoogleTest is found, which the adapter itself does not need.
set(target_options)
if(DEFINED TARGET)
  set(target_options --target ${TARGET})
  list(APPEND options -DRSM_TESTS=AUTO)
else()
  list(APPEND options -DRSM_TESTS=ON)
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${dir}" ${options}
  OUTPUT_QUIET
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${dir}" --parallel 2 ${target_options}
  COMMAND_ERROR_IS_FATAL ANY)
