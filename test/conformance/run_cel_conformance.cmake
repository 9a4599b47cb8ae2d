# Runs shared/cel/run.py against `kro cel serve`, writes the JSON report and checks the floor.
get_filename_component(report_dir ${REPORT} DIRECTORY)
file(MAKE_DIRECTORY ${report_dir})
execute_process(
  COMMAND python3 ${RUNNER} --data ${DATA} --report ${REPORT} "${EVALUATOR} cel serve"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "run.py failed (${rc}): ${err}")
endif()
string(REGEX MATCH "TOTAL: ([0-9]+) passed" m "${out}")
set(passed ${CMAKE_MATCH_1})
if("${passed}" STREQUAL "")
  message(FATAL_ERROR "could not read the pass count")
endif()
if(passed LESS FLOOR)
  message(FATAL_ERROR "CEL conformance: ${passed} passed, below the floor of ${FLOOR}")
endif()
message("CEL conformance: ${passed} passed (floor ${FLOOR})")
