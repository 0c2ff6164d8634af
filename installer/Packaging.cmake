# The Debian package, built by installer/package.sh (`cpack -G DEB` in build/package).
# Shared-library dependencies come from dpkg-shlibdeps; what is loaded at run time without being
# linked (python3 and ssh for the hosts, Qt plugins) is listed by hand.
set(hostdeck_doc_dir ${CMAKE_INSTALL_DATAROOTDIR}/doc/hostdeck)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright DESTINATION ${hostdeck_doc_dir})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides RENAME hostdeck)

# A native package's changelog: /usr/share/doc/hostdeck/changelog.gz, gzipped reproducibly.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog hostdeck_changelog_top LIMIT_COUNT 1)
if(NOT hostdeck_changelog_top MATCHES "^hostdeck \\(${PROJECT_VERSION}\\) ")
  message(WARNING "installer/debian/changelog does not start with version ${PROJECT_VERSION}: "
                  "add an entry for it")
endif()
set(hostdeck_changelog_gz ${CMAKE_BINARY_DIR}/installer/changelog.gz)
add_custom_command(OUTPUT ${hostdeck_changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/installer
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/docs/gen_docs.py gzip
          ${CMAKE_CURRENT_LIST_DIR}/debian/changelog ${hostdeck_changelog_gz}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog ${PROJECT_SOURCE_DIR}/docs/gen_docs.py)
add_custom_target(hostdeck_changelog ALL DEPENDS ${hostdeck_changelog_gz})
install(FILES ${hostdeck_changelog_gz} DESTINATION ${hostdeck_doc_dir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hostdeck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Hostdeck maintainers <maintainers@hostdeck.io>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://hostdeck.io)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "control fleets of Linux hosts over SSH with nothing but python3 on them")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Hostdeck runs tools on many Linux hosts at once: files, commands, packages,
services, users, templates and facts. It reaches a host over SSH (or runs
locally), streams a small agent into the host's bare python3 and writes nothing
to the host's disk but what a tool is asked to write.

This package contains the desktop application (hostdeck) and the command line
(hostdeck-cli), with man pages and bash and zsh completion.")
# python3 runs the agent on this machine (the local host), ssh-keygen and ssh-agent come with
# openssh-client; the SQLite driver (run history) and the SVG icon engine are Qt plugins.
set(hostdeck_depends "python3 (>= 3.8), openssh-client, libqt6sql6-sqlite")
if(HOSTDECK_BUILD_UI)
  string(APPEND hostdeck_depends ", libqt6svg6")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS ${hostdeck_depends})
# Secrets live in the Secret Service; without one, `secret set` and saved passwords fail clearly.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | libkf5wallet-bin")
include(CPack)
