# Turn the files of the search page into a C source (serve_assets.c) that
# fouine-serve embeds: one byte array a file and a table of them.
#   cmake -DOUT=serve_assets.c -DWEB_DIR=tools/serve/web -P embed.cmake
# Each file is served at /NAME with the type of its extension.
set(assets index.html app.js style.css)
set(type_html "text/html")
set(type_js "text/javascript")
set(type_css "text/css")

set(code "/* Generated from tools/serve/web/ by tools/serve/web/embed.cmake: do not edit. */\n")
string(APPEND code "#include \"serve.h\"\n\n")
set(table "")
set(i 0)
foreach(file ${assets})
  set(path "/${file}")
  string(REGEX REPLACE "^.*\\." "" ext "${file}")
  set(type "${type_${ext}}; charset=utf-8")
  file(READ "${WEB_DIR}/${file}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND code "static const unsigned char asset${i}[] = {\n${bytes}\n};\n")
  string(APPEND table "    { \"${path}\", \"${type}\", asset${i}, ${len} },\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND code "\nconst fouine_serve_asset fouine_serve_assets[] = {\n${table}};\n")
string(APPEND code "const size_t fouine_serve_asset_count = ${i};\n")
file(WRITE "${OUT}.tmp" "${code}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
