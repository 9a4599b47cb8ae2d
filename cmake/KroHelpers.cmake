# Build helpers: one static library and one GoogleTest binary per module.

set(KRO_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    -Wimplicit-fallthrough -Werror)
# GCC 12 at -O3 (the Release build, e.g. the Dockerfile's) reports std::string's own inlined
# memcpy as overlapping (-Wrestrict false positive, GCC bug 105329, fixed in GCC 13).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND KRO_WARNINGS -Wno-restrict)
endif()
set(KRO_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

# kro_target_defaults(<target>): warnings, include root, sanitizers.
function(kro_target_defaults target)
  target_compile_options(${target} PRIVATE ${KRO_WARNINGS})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  if(KRO_SANITIZE)
    target_compile_options(${target} PRIVATE ${KRO_SANITIZER_FLAGS})
    target_link_options(${target} PUBLIC ${KRO_SANITIZER_FLAGS})
  endif()
endfunction()

# kro_module(<name> [DEPS targets...] [TEST_DEPS targets...])
# Builds src/kro/<name>/**.cc (except *_test.cc, *_bench.cc, *_fuzz.cc) into kro_<name>, and
# src/kro/<name>/**_test.cc into kro_<name>_tests, registered with ctest under the label "unit".
function(kro_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  set(dir ${CMAKE_SOURCE_DIR}/src/kro/${name})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${dir}/*.cc)
  set(lib_sources "")
  set(test_sources "")
  foreach(src ${all_sources})
    if(src MATCHES "_test\\.cc$")
      list(APPEND test_sources ${src})
    elseif(NOT src MATCHES "_(bench|fuzz)\\.cc$")
      list(APPEND lib_sources ${src})
    endif()
  endforeach()
  if(NOT lib_sources)
    message(STATUS "kro_module(${name}): no sources yet, skipped")
    return()
  endif()
  add_library(kro_${name} STATIC ${lib_sources})
  kro_target_defaults(kro_${name})
  target_link_libraries(kro_${name} PUBLIC ${ARG_DEPS})
  if(test_sources)
    add_executable(kro_${name}_tests ${test_sources})
    kro_target_defaults(kro_${name}_tests)
    target_link_libraries(kro_${name}_tests PRIVATE kro_${name} ${ARG_TEST_DEPS}
                          GTest::gtest GTest::gtest_main)
    target_compile_definitions(kro_${name}_tests PRIVATE KRO_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    gtest_discover_tests(kro_${name}_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
    add_dependencies(kro_unit_tests kro_${name}_tests)
  endif()
endfunction()

# kro_integration_test(<name> SOURCES ... DEPS ...): a GoogleTest binary against the real local
# control plane, labelled "integration"; gtest prints the per-case results.
function(kro_integration_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  kro_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} kro_testenv GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE KRO_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  # One ctest per binary (not per case): the binary shares one control plane across its cases,
  # as the fixture is designed; per-case registration would start one control plane per case.
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 1200)
endfunction()
