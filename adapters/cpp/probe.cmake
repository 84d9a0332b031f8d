# Fails, with one line saying what to install, when something the adapter build needs is missing. The
# runner's registry runs it before building (build.probe), so a machine without them reports the C++ adapter
# as NOT RUN, like a machine without cmake, instead of failing the whole run with a compiler error.
# The adapter needs a C++20 compiler, CMake (running this) and, until nlohmann_json.cmake has fetched the
# JSON library once, python3 with pip. GoogleTest is for the unit tests only and is not checked here.
set(missing)

# The compiler CMake would pick: $CXX, else the first of its usual names.
if(DEFINED ENV{CXX} AND NOT "$ENV{CXX}" STREQUAL "")
  set(cxx "$ENV{CXX}")
else()
  find_program(cxx NAMES c++ g++ clang++)
endif()
if(NOT cxx)
  list(APPEND missing "a C++20 compiler (Debian: g++)")
else()
  # Compiled for real, because a compiler too old for -std=c++20 (or without <span>) is as good as none.
  set(probe_source "${CMAKE_CURRENT_LIST_DIR}/build-deps/probe.cpp")
  file(WRITE "${probe_source}" "#include <span>\n#if __cplusplus < 202002L\n#error not C++20\n#endif\nint main() {}\n")
  execute_process(COMMAND "${cxx}" -std=c++20 -fsyntax-only "${probe_source}"
                  RESULT_VARIABLE cxx_status OUTPUT_QUIET ERROR_QUIET)
  if(NOT cxx_status EQUAL 0)
    list(APPEND missing "a C++20 compiler such as g++ 12 (${cxx} does not compile C++20)")
  endif()
endif()

# pip is needed only for the one download (the version must match nlohmann_json.cmake's).
if(NOT EXISTS "${CMAKE_CURRENT_LIST_DIR}/build-deps/nlohmann_json-3.12.0/nlohmann_json/include/nlohmann/json.hpp")
  execute_process(COMMAND python3 -m pip --version RESULT_VARIABLE pip_status OUTPUT_QUIET ERROR_QUIET)
  if(NOT pip_status EQUAL 0)
    list(APPEND missing "python3 with pip, to fetch nlohmann-json once (Debian: python3-pip)")
  endif()
endif()

if(missing)
  list(JOIN missing ", " missing_text)
  message(FATAL_ERROR "the C++ adapter needs ${missing_text}")
endif()
