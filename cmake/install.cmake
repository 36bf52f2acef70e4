# What cmake --install (make install) puts under the prefix besides the
# tools and the libraries, whose rules stand with their targets: the public
# headers (FOUINE_PUBLIC_HEADERS), fouine.pc for pkg-config, the CMake
# package (fouineConfig.cmake, target fouine::fouine), the manual pages and
# the systemd unit of fouine-serve.
include(CMakePackageConfigHelpers)

# The public headers, installed in include/fouine/: every header there
# (the library's private ones are in lib/); version.h is generated (lib/).
set(FOUINE_PUBLIC_HEADERS fouine.h alloc.h analyzer.h buf.h error.h fts5.h
    index.h search.h)
list(TRANSFORM FOUINE_PUBLIC_HEADERS
     PREPEND ${PROJECT_SOURCE_DIR}/include/fouine/)
list(APPEND FOUINE_PUBLIC_HEADERS
     ${PROJECT_BINARY_DIR}/include/fouine/version.h)

set(FOUINE_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit of fouine-serve goes (relative: under the prefix)")

install(FILES ${FOUINE_PUBLIC_HEADERS}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/fouine)

# fouine.pc: its directories relative to ${prefix} unless given absolute.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(FOUINE_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(FOUINE_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/fouine.pc.in
               ${PROJECT_BINARY_DIR}/fouine.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/fouine.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The CMake package.  While the version is 0.x a minor release may change
# the API (CHANGELOG.md): a request for 0.1 accepts 0.1.* only.
set(FOUINE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/fouine)
install(EXPORT fouineTargets NAMESPACE fouine::
        DESTINATION ${FOUINE_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fouineConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fouineConfig.cmake
  INSTALL_DESTINATION ${FOUINE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fouineConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fouineConfig.cmake
              ${PROJECT_BINARY_DIR}/fouineConfigVersion.cmake
        DESTINATION ${FOUINE_CMAKE_DIR})

# The manual pages, for the tools built.
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/fouine-index.1
              ${PROJECT_SOURCE_DIR}/docs/man/fouine-query.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/libfouine.3
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man3)
if(TARGET fouine-serve)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/man/fouine-serve.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  configure_file(${PROJECT_SOURCE_DIR}/tools/serve/fouine-serve.service.in
                 ${PROJECT_BINARY_DIR}/fouine-serve.service @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/fouine-serve.service
          DESTINATION ${FOUINE_SYSTEMD_UNIT_DIR})
endif()
