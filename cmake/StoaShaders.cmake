# SPDX-License-Identifier: Apache-2.0
# stoa_add_shaders(TARGET target SOURCES a.vert b.frag ...)
# Compiles GLSL with glslc into C initialiser lists (<name>.spv.h in the build
# folder, e.g. pbr.frag -> pbr_frag.spv.h) and adds that folder to the
# target's include path. A changed shader, or an #include it uses, rebuilds.
function(stoa_add_shaders)
  cmake_parse_arguments(ARG "" "TARGET" "SOURCES" ${ARGN})
  set(out_dir "${CMAKE_BINARY_DIR}/shaders")
  file(MAKE_DIRECTORY "${out_dir}")
  set(outputs)
  foreach(src ${ARG_SOURCES})
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}/shaders")
    get_filename_component(name "${abs}" NAME)
    string(REPLACE "." "_" cname "${name}")
    set(out "${out_dir}/${cname}.spv.h")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND ${GLSLC} --target-env=vulkan1.1 -O -mfmt=c -MD -MF "${out}.d" -o "${out}" "${abs}"
      DEPENDS "${abs}"
      DEPFILE "${out}.d"
      COMMENT "glslc ${name}"
      VERBATIM)
    list(APPEND outputs "${out}")
  endforeach()
  add_custom_target(${ARG_TARGET}_shaders DEPENDS ${outputs})
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_shaders)
  target_include_directories(${ARG_TARGET} PRIVATE "${out_dir}")
endfunction()
