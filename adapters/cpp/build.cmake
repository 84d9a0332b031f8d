# Configures and builds the C++ adapter in one command, so that the runner's registry entry can be a plain
# argv whose program is cmake (a missing cmake is then reported as a missing toolchain, not a failed build).
#   cmake -P build.cmake                              build/       Release, every target
#   cmake -DVARIANT=asan -P build.cmake               build-asan/  ASan + UBSan, every target
#   cmake -DVARIANT=fuzz -P build.cmake               build-fuzz/  rsm-fuzz-decode only, with clang++ (libFuzzer)
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
elseif(VARIANT STREQUAL "fuzz")
  # libFuzzer is clang's: $CXX when it names a compiler, else clang++. -O1 is libFuzzer's usual level.
  set(dir "${CMAKE_CURRENT_LIST_DIR}/build-fuzz")
  if(DEFINED ENV{CXX} AND NOT "$ENV{CXX}" STREQUAL "")
    set(fuzz_cxx "$ENV{CXX}")
  else()
    set(fuzz_cxx clang++)
  endif()
  set(options -DCMAKE_CXX_COMPILER=${fuzz_cxx} -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" -DRSM_FUZZ=ON)
  if(NOT DEFINED TARGET)
    set(TARGET rsm-fuzz-decode)
  endif()
else()
  message(FATAL_ERROR "VARIANT must be release, asan or fuzz, not ${VARIANT}")
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
