# SPDX-License-Identifier: Apache-2.0
# `cmake --install` and the Debian packages (CPack): README.md, "Install it
# for a school". Everything the installed stoa reads is found relative to
# its own folder (runtime/cli/cli_paths.c), so the same layout works under
# any prefix. Two components, two packages:
#   stoa      the command, the simulated headset, the hub's panel, sample
#             scenes and lessons, docs, man pages, bash completion
#   stoa-hub  the hub as a systemd service: unit, /etc/stoa/hub.conf, its
#             own user, data in /var/lib/stoa-hub
include(GNUInstallDirs)
set(STOA_PKG_DIR ${CMAKE_SOURCE_DIR}/tools/packaging)
set(STOA_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/stoa")
set(STOA_HUB_CONF "${CMAKE_INSTALL_FULL_SYSCONFDIR}/stoa/hub.conf")

# The build folder mirrors share/stoa (links into the source tree), so
# build/stoa finds its data the way an installed one does.
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/share/stoa)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/tools/hub/panel ${CMAKE_BINARY_DIR}/share/stoa/panel SYMBOLIC)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/scenes ${CMAKE_BINARY_DIR}/share/stoa/scenes SYMBOLIC)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/assets/sounds ${CMAKE_BINARY_DIR}/share/stoa/sounds SYMBOLIC)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/assets/icons ${CMAKE_BINARY_DIR}/share/stoa/icons SYMBOLIC)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/assets ${CMAKE_BINARY_DIR}/share/stoa/assets SYMBOLIC)

# Shipped binaries resolve every symbol at load time (full RELRO, as Debian's
# hardening wants): a missing library fails at start, not mid-lesson.
foreach(t stoa xrsim stoa_ssl_compat)
  if(TARGET ${t})
    target_link_options(${t} PRIVATE "-Wl,-z,relro" "-Wl,-z,now")
  endif()
endforeach()

# ---- the stoa package ----------------------------------------------------------
set_target_properties(stoa PROPERTIES INSTALL_RPATH "$ORIGIN/../${STOA_INSTALL_PKGLIBDIR}/tls-compat")
install(TARGETS stoa RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT stoa)
if(TARGET stoa_ssl_compat)
  # Under the name programs record (libssl.so), in a folder of its own.
  install(TARGETS stoa_ssl_compat LIBRARY DESTINATION ${STOA_INSTALL_PKGLIBDIR}/tls-compat
          COMPONENT stoa)
endif()
if(TARGET xrsim)
  install(TARGETS xrsim LIBRARY DESTINATION ${STOA_INSTALL_PKGLIBDIR}/xrsim COMPONENT stoa)
  # The loader resolves a relative library_path against the manifest's folder.
  file(READ ${CMAKE_SOURCE_DIR}/tools/xrsim/xrsim.json.in _xrsim_manifest)
  string(REPLACE "@XRSIM_LIBRARY@" "./libstoa_xrsim.so" _xrsim_manifest "${_xrsim_manifest}")
  file(WRITE ${CMAKE_BINARY_DIR}/install/xrsim.json "${_xrsim_manifest}")
  install(FILES ${CMAKE_BINARY_DIR}/install/xrsim.json
          DESTINATION ${STOA_INSTALL_PKGLIBDIR}/xrsim COMPONENT stoa)
endif()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/tools/hub/panel/ DESTINATION ${STOA_INSTALL_DATADIR}/panel
        COMPONENT stoa)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenes/ DESTINATION ${STOA_INSTALL_DATADIR}/scenes
        COMPONENT stoa)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/sounds/ DESTINATION ${STOA_INSTALL_DATADIR}/sounds
        COMPONENT stoa FILES_MATCHING PATTERN "*.wav")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/icons/ DESTINATION ${STOA_INSTALL_DATADIR}/icons
        COMPONENT stoa FILES_MATCHING PATTERN "*.png")
# The hands' models only (sounds and icons above; the scripts that make
# them stay in the source tree).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/controllers/
        DESTINATION ${STOA_INSTALL_DATADIR}/assets/controllers COMPONENT stoa
        FILES_MATCHING PATTERN "*.glb")
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT stoa)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT stoa)
install(FILES ${STOA_PKG_DIR}/stoa.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME stoa COMPONENT stoa)

# A man page per command, written from `stoa CMD --help` (one text for both).
set(STOA_MAN_DIR ${CMAKE_BINARY_DIR}/man)
add_custom_command(OUTPUT ${STOA_MAN_DIR}/stoa.1.gz
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${STOA_MAN_DIR}
  COMMAND python3 ${STOA_PKG_DIR}/manpage.py $<TARGET_FILE:stoa> ${PROJECT_VERSION} ${STOA_MAN_DIR}
  DEPENDS stoa ${STOA_PKG_DIR}/manpage.py
  COMMENT "man pages from stoa --help" VERBATIM)
add_custom_target(stoa_man ALL DEPENDS ${STOA_MAN_DIR}/stoa.1.gz)
install(DIRECTORY ${STOA_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT stoa
        FILES_MATCHING PATTERN "*.1.gz")

# Debian wants copyright and a changelog in each package's doc folder.
string(TIMESTAMP _stoa_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(pkg stoa stoa-hub)
  set(_cl "${pkg} (${PROJECT_VERSION}) unstable; urgency=medium\n\n  * Built with CPack from the Stoa sources.\n\n -- Stoa maintainers <maintainers@stoa-classroom.org>  ${_stoa_date}\n")
  file(WRITE ${CMAKE_BINARY_DIR}/install/${pkg}/changelog "${_cl}")
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/install/${pkg}/changelog.gz
    COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/install/${pkg}/changelog
    DEPENDS ${CMAKE_BINARY_DIR}/install/${pkg}/changelog VERBATIM)
  list(APPEND _stoa_changelogs ${CMAKE_BINARY_DIR}/install/${pkg}/changelog.gz)
endforeach()
add_custom_target(stoa_changelogs ALL DEPENDS ${_stoa_changelogs})
install(FILES ${STOA_PKG_DIR}/copyright ${CMAKE_BINARY_DIR}/install/stoa/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT stoa)

# ---- the stoa-hub package ---------------------------------------------------------
configure_file(${STOA_PKG_DIR}/stoa-hub.service.in ${CMAKE_BINARY_DIR}/install/stoa-hub.service @ONLY)
# /lib/systemd/system with the /usr prefix (Debian 12's place for units).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(STOA_UNIT_DIR /lib/systemd/system)
else()
  set(STOA_UNIT_DIR ${CMAKE_INSTALL_LIBDIR}/systemd/system)
endif()
install(FILES ${CMAKE_BINARY_DIR}/install/stoa-hub.service DESTINATION ${STOA_UNIT_DIR} COMPONENT hub)
install(FILES ${STOA_PKG_DIR}/hub.conf DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/stoa COMPONENT hub)
install(FILES ${STOA_PKG_DIR}/copyright ${CMAKE_BINARY_DIR}/install/stoa-hub/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/stoa-hub COMPONENT hub)

# ---- CPack: two .deb files ------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stoa)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Stoa maintainers <maintainers@stoa-classroom.org>")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
# Absolute destinations (/etc, /lib/systemd) go into the package, not this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL stoa hub)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://stoa-classroom.org")

set(CPACK_DEBIAN_STOA_PACKAGE_NAME stoa)
set(CPACK_DEBIAN_STOA_PACKAGE_SHLIBDEPS ON)
# What stoa loads without linking it: a Vulkan driver, the fonts of its panels.
set(CPACK_DEBIAN_STOA_PACKAGE_DEPENDS
    "mesa-vulkan-drivers | vulkan-icd, fonts-dejavu-core, fonts-wqy-microhei | fonts-noto-cjk")
set(CPACK_DEBIAN_STOA_PACKAGE_RECOMMENDS "xdg-utils")
set(CPACK_DEBIAN_STOA_PACKAGE_SUGGESTS "monado-service")
set(CPACK_COMPONENT_STOA_DESCRIPTION "immersive VR/AR classroom runtime
Stoa plays scripted lessons in historical scenes on an OpenXR headset:
narration placed in space, panels, highlights and quizzes, with every
action of the learner written as xAPI statements. This package holds the
stoa command (learner runtime, author and evaluator tools, the classroom
hub), a simulated headset, the sample scenes and lessons, and `stoa doctor`,
which says why a headset computer is not ready for a lesson.")

set(CPACK_DEBIAN_HUB_PACKAGE_NAME stoa-hub)
set(CPACK_DEBIAN_HUB_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "stoa (= ${PROJECT_VERSION}), adduser")
file(WRITE ${CMAKE_BINARY_DIR}/install/conffiles "${STOA_HUB_CONF}\n")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/install/conffiles ${STOA_PKG_DIR}/stoa-hub/postinst
    ${STOA_PKG_DIR}/stoa-hub/prerm ${STOA_PKG_DIR}/stoa-hub/postrm)
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_HUB_DESCRIPTION "Stoa classroom hub as a system service
Runs `stoa hub` as its own unprivileged user under systemd: headsets in the
classroom join it, the instructor steers the lesson from its web panel, and
every statement is stored in /var/lib/stoa-hub. Settings are in
/etc/stoa/hub.conf; the log is in the journal (journalctl -u stoa-hub).")
include(CPack)
