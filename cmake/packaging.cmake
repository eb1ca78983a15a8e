# Install layout and the Debian package: `cmake --install` puts the daemon, its
# systemd unit, sysusers/tmpfiles files, man page, default configuration and
# examples where a Debian system looks for them; `cpack -G DEB` packages that.
include(GNUInstallDirs)

# systemd looks for units, users and tmpfiles in <prefix>/lib (the package's
# prefix is /usr; Debian 12's /lib is the same folder).
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/paypro-webhookd)

install(TARGETS paypro-webhookd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES systemd/paypro-webhookd.service DESTINATION lib/systemd/system)
install(FILES systemd/paypro-webhookd.sysusers DESTINATION lib/sysusers.d
        RENAME paypro-webhookd.conf)
install(FILES systemd/paypro-webhookd.tmpfiles DESTINATION lib/tmpfiles.d
        RENAME paypro-webhookd.conf)
# The default configuration goes to /etc when the prefix is /usr (the package)
# and to <prefix>/etc otherwise; decided at install time, since cpack installs
# with a prefix of its own.
install(CODE "set(webhookd_config_source \"${PROJECT_SOURCE_DIR}/packaging/config.yaml\")")
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(webhookd_config_dir /etc/paypro-webhookd)
  else()
    set(webhookd_config_dir "${CMAKE_INSTALL_PREFIX}/etc/paypro-webhookd")
  endif()
  file(INSTALL DESTINATION "${webhookd_config_dir}" TYPE FILE FILES "${webhookd_config_source}")
]])
install(FILES config/example.yaml DESTINATION ${doc_dir}/examples RENAME config.yaml)
install(FILES systemd/nginx/paypro-webhookd.conf DESTINATION ${doc_dir}/examples/nginx)
install(FILES README.md packaging/copyright DESTINATION ${doc_dir})

# Debian wants the man page and changelog compressed, without timestamps.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(compressed ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${compressed})
add_custom_command(
  OUTPUT ${compressed}/paypro-webhookd.8.gz ${compressed}/changelog.gz
  COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_SOURCE_DIR}/docs/paypro-webhookd.8 > ${compressed}/paypro-webhookd.8.gz
  COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${compressed}/changelog.gz
  DEPENDS docs/paypro-webhookd.8 packaging/changelog
  VERBATIM)
add_custom_target(compressed_docs ALL DEPENDS ${compressed}/paypro-webhookd.8.gz ${compressed}/changelog.gz)
install(FILES ${compressed}/paypro-webhookd.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${compressed}/changelog.gz DESTINATION ${doc_dir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paypro-webhookd)
set(CPACK_PACKAGE_VENDOR "paypro-webhookd")
set(CPACK_PACKAGE_CONTACT "paypro-webhookd maintainers <maintainers@paypro-webhookd.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx, postgresql")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "receives PayPro webhooks and processes each exactly once")
# The summary above is the first line; CPack indents these.
set(CPACK_PACKAGE_DESCRIPTION
    "paypro-webhookd accepts the signed event notifications of PayPro, a Dutch
payment provider, commits them to PostgreSQL before answering, re-fetches
every event from PayPro's API and hands the verified copy to configured
handlers (SQL, NOTIFY, a mirror of PayPro's resources, HTTP, a program),
recording each event as processed so that duplicates and crashes do no harm.
It runs as a hardened systemd service behind nginx.")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
