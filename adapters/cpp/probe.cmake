# Fails, with one line saying what to install, when a library the C++ port needs is missing. The runner's
# registry runs it before building (build.probe), so a machine without these libraries reports the C++
# adapter as NOT RUN, like a machine without cmake, instead of failing the whole run with a compiler error.
# find_path searches nothing by default in script mode, hence the usual include directories.
set(include_dirs /usr/include /usr/local/include /opt/homebrew/include)
find_path(nlohmann_json_include nlohmann/json.hpp PATHS ${include_dirs} NO_DEFAULT_PATH)
find_path(gtest_include gtest/gtest.h PATHS ${include_dirs} NO_DEFAULT_PATH)
set(missing)
if(NOT nlohmann_json_include)
  list(APPEND missing "nlohmann-json (Debian: nlohmann-json3-dev)")
endif()
if(NOT gtest_include)
  list(APPEND missing "GoogleTest (Debian: libgtest-dev)")
endif()
if(missing)
  list(JOIN missing ", " missing_text)
  message(FATAL_ERROR "the C++ adapter needs ${missing_text}; .ci/run installs them with apt-get")
endif()
