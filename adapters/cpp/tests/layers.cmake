# The file map of adapters/README.md, in its order: each file of src/ includes only headers below it, so there
# is no include circle and a SPEC change lands in the file of the same name in every port. The README names
# one use that goes the other way, `run` using `scenario` (the scenario it runs); that one is allowed, and
# `scenario` in turn includes nothing above `run`. The unit tests and the fuzz target may include anything.
# Run by ctest (the `layers` test):  cmake -DSRC=adapters/cpp/src -P adapters/cpp/tests/layers.cmake
cmake_minimum_required(VERSION 3.20)  # in script mode too: IN_LIST and the other policies of CMakeLists.txt
if(NOT DEFINED SRC)
  message(FATAL_ERROR "usage: cmake -DSRC=<the port's src folder> -P layers.cmake")
endif()
get_filename_component(SRC "${SRC}" ABSOLUTE)

# Top to bottom. `main` is above them all and includes `protocol` alone.
set(layers protocol scenario run cluster state_machine store snapshot crc32c)
# Uses that adapters/README.md lists although they go up the table, as user>used.
set(listed_upward "run>scenario")

# The files are the map's: a header and a source per layer, and main.cpp.
file(GLOB files RELATIVE "${SRC}" "${SRC}/*")
set(expected main.cpp)
foreach(layer IN LISTS layers)
  list(APPEND expected ${layer}.h ${layer}.cpp)
endforeach()
list(SORT files)
list(SORT expected)
if(NOT files STREQUAL expected)
  list(JOIN files " " files_text)
  list(JOIN expected " " expected_text)
  message(FATAL_ERROR "src/ holds ${files_text}\nthe file map of adapters/README.md is ${expected_text}")
endif()

set(errors)
foreach(file IN LISTS files)
  get_filename_component(module "${file}" NAME_WE)
  list(FIND layers "${module}" rank)
  # Only the port's own headers, "quoted"; <system> ones are nobody's layer.
  file(STRINGS "${SRC}/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  set(used_by_main)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*$" "\\1" header "${line}")
    get_filename_component(used "${header}" NAME_WE)
    list(FIND layers "${used}" used_rank)
    if(used_rank EQUAL -1)
      list(APPEND errors "${file} includes \"${header}\", which is not in the file map")
    elseif(module STREQUAL "main")
      list(APPEND used_by_main "${used}")
    elseif(used_rank LESS rank AND NOT "${module}>${used}" IN_LIST listed_upward)
      list(APPEND errors "${file} includes \"${header}\": ${used} is above ${module} in adapters/README.md's file map")
    elseif("${used}>${module}" IN_LIST listed_upward)
      list(APPEND errors "${file} includes \"${header}\", and ${used} uses ${module}: a circle")
    endif()
  endforeach()
  if(module STREQUAL "main" AND NOT used_by_main STREQUAL "protocol")
    list(JOIN used_by_main ", " used_text)
    list(APPEND errors "main.cpp includes ${used_text}: it hands stdin and stdout to serve, and includes protocol.h alone")
  endif()
endforeach()

if(errors)
  list(JOIN errors "\n  " text)
  message(FATAL_ERROR "dependencies must point down the file map:\n  ${text}")
endif()
list(LENGTH files count)
message(STATUS "layers: ${count} files of src/, every include points down the file map")
