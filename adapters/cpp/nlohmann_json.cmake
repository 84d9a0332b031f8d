# The JSON library, nlohmann/json, pinned: included by CMakeLists.txt, it sets RSM_JSON_INCLUDE_DIR to the
# include directory of version 3.12.0, fetching it the first time.
#
# Always this copy, never a system one, even where a distribution ships nlohmann-json: the parser's error
# messages are part of the adapter's error replies, and its UTF-8 and number handling decide what a request
# means, so every machine compiles against the same version, and a build needs no package installed as root.
#
# The copy comes from PyPI, which repackages the upstream headers as a wheel (a zip), fetched by pip, the
# registry's own client: the first build downloads it once into build-deps/ (git-ignored), checks its
# SHA-256 here rather than trusting the download, and extracts it; every later build, offline included, uses
# the extracted copy and runs nothing.
set(RSM_JSON_VERSION 3.12.0)
set(RSM_JSON_WHEEL "nlohmann_json-${RSM_JSON_VERSION}-py3-none-any.whl")
set(RSM_JSON_SHA256 5f6132720fb25d0d70bf0742f8397b49a540dcc193e7312a914f6aa49f054810)

set(deps_dir "${CMAKE_CURRENT_LIST_DIR}/build-deps")
set(json_dir "${deps_dir}/nlohmann_json-${RSM_JSON_VERSION}")
set(RSM_JSON_INCLUDE_DIR "${json_dir}/nlohmann_json/include")

if(NOT EXISTS "${RSM_JSON_INCLUDE_DIR}/nlohmann/json.hpp")
  set(wheel "${deps_dir}/download/${RSM_JSON_WHEEL}")
  if(NOT EXISTS "${wheel}")
    find_program(RSM_PYTHON3 python3)
    if(NOT RSM_PYTHON3)
      message(FATAL_ERROR "the C++ adapter fetches nlohmann-json ${RSM_JSON_VERSION} with pip; install python3 with pip (Debian: python3-pip)")
    endif()
    message(STATUS "Fetching nlohmann-json ${RSM_JSON_VERSION} from PyPI with pip (once; later builds use ${json_dir})")
    # --no-deps --only-binary: exactly the one wheel, never a source build that would run code.
    execute_process(
      COMMAND "${RSM_PYTHON3}" -m pip download --disable-pip-version-check --quiet --no-deps --only-binary=:all:
              "nlohmann-json==${RSM_JSON_VERSION}" -d "${deps_dir}/download"
      RESULT_VARIABLE pip_status)
    if(NOT pip_status EQUAL 0 OR NOT EXISTS "${wheel}")
      message(FATAL_ERROR "pip could not download nlohmann-json==${RSM_JSON_VERSION} (${pip_status}); the first build of the C++ adapter needs python3 with pip and access to PyPI")
    endif()
  endif()
  file(SHA256 "${wheel}" wheel_sha256)
  if(NOT wheel_sha256 STREQUAL RSM_JSON_SHA256)
    # Removed, so that the next build downloads it afresh rather than failing on the same file forever.
    file(REMOVE "${wheel}")
    message(FATAL_ERROR "${RSM_JSON_WHEEL} has SHA-256 ${wheel_sha256}, not the pinned ${RSM_JSON_SHA256}; refusing it")
  endif()
  # Extracted beside its final place and renamed into it, so that an interrupted extraction never leaves a
  # partial copy that the existence check above would take for a complete one.
  string(RANDOM LENGTH 8 suffix)
  set(partial "${json_dir}.partial-${suffix}")
  file(ARCHIVE_EXTRACT INPUT "${wheel}" DESTINATION "${partial}" PATTERNS "nlohmann_json/include/*")
  if(NOT EXISTS "${partial}/nlohmann_json/include/nlohmann/json.hpp")
    file(REMOVE_RECURSE "${partial}")
    message(FATAL_ERROR "${RSM_JSON_WHEEL} holds no nlohmann_json/include/nlohmann/json.hpp")
  endif()
  if(EXISTS "${RSM_JSON_INCLUDE_DIR}/nlohmann/json.hpp")
    file(REMOVE_RECURSE "${partial}")  # another build got there first, with the same bytes
  else()
    file(REMOVE_RECURSE "${json_dir}")
    file(RENAME "${partial}" "${json_dir}")
  endif()
endif()
