# Turns data files into a generated C++ source holding their bytes, with a lookup by relative path
# (dspm::embedded::find("catalog/frameworks/isms-p.json")). Regenerated when any file changes.
function(dspm_embed_files target base_dir files)
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_data.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DBASE=${base_dir} -DOUT=${out} "-DFILES=${files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding data files"
    VERBATIM)
  add_library(${target} STATIC ${out})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
endfunction()
