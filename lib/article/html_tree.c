/*
** html_tree.c: the bytes of an HTML page, decoded to UTF-8, and the tree of
** the page (see html.h).
**
** The character set is found as browsers find it: a byte order mark, else
** a <meta> or <?xml?> declaration in the first bytes, read by a small
** tokenizer of tags and attributes (the prescan of the HTML standard; no
** pattern matching over markup).  The same tokenizer measures every tag
** before libxml2 parses the page, so that a tag with thousands of
** attributes (libxml2 compares each attribute name with all the names
** before it) cannot make the work quadratic.
**
** libxml2's HTML parser reads the page and calls back for each element and
** text (SAX); the callbacks append nodes to flat arrays in document order,
** allocated through fouine/alloc.h.  libxml2 allocates its own parser
** state with malloc(); it is released before fouine_html_tree_build()
** returns.
*/
#include "html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fouine/alloc.h"

/*
** Character sets.
*/

const char *fouine_charset_name(fouine_charset cs)
{
    switch (cs) {
    case FOUINE_CHARSET_WINDOWS_1252:
        return "windows-1252";
    case FOUINE_CHARSET_ISO_8859_15:
        return "iso-8859-15";
    default:
        return "utf-8";
    }
}

/* Charset labels, as the WHATWG Encoding standard reads them. */
static const struct {
    const char *label;
    int charset; /* fouine_charset */
} labels[] = {
    { "ansi_x3.4-1968", FOUINE_CHARSET_WINDOWS_1252 },
    { "ascii", FOUINE_CHARSET_WINDOWS_1252 },
    { "cp1252", FOUINE_CHARSET_WINDOWS_1252 },
    { "cp819", FOUINE_CHARSET_WINDOWS_1252 },
    { "csisolatin1", FOUINE_CHARSET_WINDOWS_1252 },
    { "csisolatin9", FOUINE_CHARSET_ISO_8859_15 },
    { "ibm819", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso-8859-1", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso-8859-15", FOUINE_CHARSET_ISO_8859_15 },
    { "iso-ir-100", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso8859-1", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso8859-15", FOUINE_CHARSET_ISO_8859_15 },
    { "iso88591", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso885915", FOUINE_CHARSET_ISO_8859_15 },
    { "iso_8859-1", FOUINE_CHARSET_WINDOWS_1252 },
    { "iso_8859-15", FOUINE_CHARSET_ISO_8859_15 },
    { "iso_8859-1:1987", FOUINE_CHARSET_WINDOWS_1252 },
    { "l1", FOUINE_CHARSET_WINDOWS_1252 },
    { "l9", FOUINE_CHARSET_ISO_8859_15 },
    { "latin1", FOUINE_CHARSET_WINDOWS_1252 },
    { "latin9", FOUINE_CHARSET_ISO_8859_15 },
    { "unicode-1-1-utf-8", FOUINE_CHARSET_UTF8 },
    { "us-ascii", FOUINE_CHARSET_WINDOWS_1252 },
    /* A page whose declaration could be read as ASCII is not UTF-16:
    ** browsers read it as UTF-8. */
    { "utf-16", FOUINE_CHARSET_UTF8 },
    { "utf-16be", FOUINE_CHARSET_UTF8 },
    { "utf-16le", FOUINE_CHARSET_UTF8 },
    { "utf-8", FOUINE_CHARSET_UTF8 },
    { "utf8", FOUINE_CHARSET_UTF8 },
    { "windows-1252", FOUINE_CHARSET_WINDOWS_1252 },
    { "x-cp1252", FOUINE_CHARSET_WINDOWS_1252 },
};

/* windows-1252 bytes 0x80 to 0x9F; the five it leaves undefined stay the
** C1 code points, as browsers decode them. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

/* Whether c is an ASCII letter. */
static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int fouine_html_same_word(const char *s, size_t n, const char *word)
{
    size_t i;
    for (i = 0; i < n && word[i]; i++) {
        if (fouine_html_lower(s[i]) != word[i]) {
            return 0;
        }
    }
    return i == n && word[i] == '\0';
}

/* The charset of a label, or -1 when the reader does not know it. */
static int charset_of_label(const char *s, size_t n)
{
    size_t i;
    while (n > 0 && fouine_html_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && fouine_html_space(s[n - 1])) {
        n--;
    }
    for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (fouine_html_same_word(s, n, labels[i].label)) {
            return labels[i].charset;
        }
    }
    return -1;
}

/* Write code point cp (below 0x10000) as UTF-8; returns the bytes. */
static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* The code point of byte c in a legacy charset. */
static unsigned legacy_char(fouine_charset cs, unsigned char c)
{
    if (c >= 0x80 && c < 0xA0 && cs == FOUINE_CHARSET_WINDOWS_1252) {
        return cp1252_high[c - 0x80];
    }
    if (cs == FOUINE_CHARSET_ISO_8859_15) {
        switch (c) {
        case 0xA4:
            return 0x20AC; /* € */
        case 0xA6:
            return 0x0160; /* Š */
        case 0xA8:
            return 0x0161; /* š */
        case 0xB4:
            return 0x017D; /* Ž */
        case 0xB8:
            return 0x017E; /* ž */
        case 0xBC:
            return 0x0152; /* Œ */
        case 0xBD:
            return 0x0153; /* œ */
        case 0xBE:
            return 0x0178; /* Ÿ */
        default:
            break;
        }
    }
    return c;
}

/* Decode bytes of a legacy charset into a new UTF-8 buffer. */
static FOUINE_WUR int decode_legacy(char **out,
                                    size_t *outlen,
                                    fouine_charset cs,
                                    const char *s,
                                    size_t n)
{
    size_t i, o = 0;
    char *buf;
    *out = NULL;
    *outlen = 0;
    if (n > (SIZE_MAX - 1) / 3) {
        return FOUINE_ENOMEM;
    }
    buf = fouine_malloc(n * 3 + 1);
    if (!buf) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        o += put_utf8(buf + o, legacy_char(cs, (unsigned char)s[i]));
    }
    buf[o] = '\0';
    *out = buf;
    *outlen = o;
    return FOUINE_OK;
}

/*
** A tokenizer of tags, as the HTML standard's prescan reads them.
*/

/* Called for each attribute of a tag (value NULL when it has none). */
typedef void (*lex_attr_cb)(const char *name,
                            size_t nlen,
                            const char *value,
                            size_t vlen,
                            void *payload);

/* One tag found. */
typedef struct lex_tag {
    size_t start;     /* its '<' */
    size_t next;      /* just past its '>' (or the end of the text) */
    const char *name; /* the tag name, inside the text */
    size_t nlen;      /* its length */
    size_t nattrs;    /* attributes */
    int end_tag;      /* "</name" */
} lex_tag;

/*
** Read attributes from s[i] up to the '>' that ends the tag (quoted values
** may hold '>').  Returns the index just past the tag; counts the
** attributes in *nattrs and passes each to cb (when not NULL).
*/
static size_t lex_attributes(const char *s,
                             size_t n,
                             size_t i,
                             lex_attr_cb cb,
                             void *payload,
                             size_t *nattrs)
{
    *nattrs = 0;
    for (;;) {
        size_t ns, ne, vs = 0, vlen = 0;
        const char *value = NULL;
        while (i < n && (fouine_html_space(s[i]) || s[i] == '/')) {
            i++;
        }
        if (i >= n) {
            return n;
        }
        if (s[i] == '>') {
            return i + 1;
        }
        ns = i++; /* a first '=' belongs to the name */
        while (i < n && !fouine_html_space(s[i]) && s[i] != '/' &&
               s[i] != '>' && s[i] != '=') {
            i++;
        }
        ne = i;
        while (i < n && fouine_html_space(s[i])) {
            i++;
        }
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && fouine_html_space(s[i])) {
                i++;
            }
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                const char *q = memchr(s + i + 1, s[i], n - i - 1);
                vs = i + 1;
                i = q ? (size_t)(q - s) : n;
                vlen = i - vs;
                if (i < n) {
                    i++;
                }
            } else {
                vs = i;
                while (i < n && !fouine_html_space(s[i]) && s[i] != '>') {
                    i++;
                }
                vlen = i - vs;
            }
            value = s + vs;
        }
        (*nattrs)++;
        if (cb) {
            cb(s + ns, ne - ns, value, vlen, payload);
        }
    }
}

/* Index of "</name" at or after s[i], ASCII case ignored, or n. */
static size_t find_end_tag(const char *s,
                           size_t n,
                           size_t i,
                           const char *name,
                           size_t nlen)
{
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt) {
            return n;
        }
        i = (size_t)(lt - s);
        if (n - i >= nlen + 2 && s[i + 1] == '/' &&
            strncasecmp(s + i + 2, name, nlen) == 0) {
            return i;
        }
        i++;
    }
    return n;
}

/*
** Find the next tag at or after s[*pos], skip it (and the raw text of a
** <script> or <style>), and describe it in *tag.  Comments, <!...> and
** <?...?> are skipped; "<?xml" is returned as a tag named "?xml", with its
** pseudo-attributes.  Returns 0 at the end of the text.
*/
static int lex_next(const char *s,
                    size_t n,
                    size_t *pos,
                    lex_tag *tag,
                    lex_attr_cb cb,
                    void *payload)
{
    size_t i = *pos, j;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt) {
            break;
        }
        i = (size_t)(lt - s);
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (j = i + 4; j + 3 <= n; j++) {
                if (s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>') {
                    e = s + j;
                    break;
                }
            }
            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        memset(tag, 0, sizeof *tag);
        tag->start = i;
        j = i + 1;
        if (j < n && s[j] == '?' && n - j >= 4 &&
            fouine_html_same_word(s + j, 4, "?xml")) {
            tag->name = s + j;
            tag->nlen = 4;
            tag->next = lex_attributes(s, n, j + 4, cb, payload, &tag->nattrs);
            *pos = tag->next;
            return 1;
        }
        if (j < n && (s[j] == '!' || s[j] == '?')) {
            const char *gt = memchr(s + j, '>', n - j);
            i = gt ? (size_t)(gt - s) + 1 : n;
            continue;
        }
        if (j < n && s[j] == '/') {
            tag->end_tag = 1;
            j++;
        }
        if (j >= n || !is_alpha(s[j])) {
            i = j; /* a '<' of text */
            continue;
        }
        tag->name = s + j;
        while (j < n && !fouine_html_space(s[j]) && s[j] != '/' &&
               s[j] != '>') {
            j++;
        }
        tag->nlen = (size_t)(s + j - tag->name);
        tag->next = lex_attributes(s, n, j, tag->end_tag ? NULL : cb, payload,
                                   &tag->nattrs);
        if (!tag->end_tag &&
            (fouine_html_same_word(tag->name, tag->nlen, "script") ||
             fouine_html_same_word(tag->name, tag->nlen, "style"))) {
            *pos = find_end_tag(s, n, tag->next, tag->name, tag->nlen);
        } else {
            *pos = tag->next;
        }
        return 1;
    }
    *pos = n;
    return 0;
}

/* What the prescan collects from the attributes of one tag. */
typedef struct meta_attrs {
    const char *charset; /* charset="..." */
    size_t charset_len;
    const char *content; /* content="..." */
    size_t content_len;
    int content_type; /* http-equiv="Content-Type" */
} meta_attrs;

/* Keep the attributes of a tag that can declare a charset (lex_attr_cb). */
static void collect_meta(const char *name,
                         size_t nlen,
                         const char *value,
                         size_t vlen,
                         void *payload)
{
    meta_attrs *m = payload;
    if (!value) {
        return;
    }
    if (fouine_html_same_word(name, nlen, "charset") ||
        fouine_html_same_word(name, nlen, "encoding")) {
        m->charset = value;
        m->charset_len = vlen;
    } else if (fouine_html_same_word(name, nlen, "content")) {
        m->content = value;
        m->content_len = vlen;
    } else if (fouine_html_same_word(name, nlen, "http-equiv")) {
        m->content_type = fouine_html_same_word(value, vlen, "content-type");
    }
}

/* The charset named in a Content-Type value ("text/html; charset=x"), as
** the HTML standard extracts it; sets *len, NULL when there is none. */
static const char *content_charset(const char *s, size_t n, size_t *len)
{
    size_t i, j;
    *len = 0;
    for (i = 0; i + 7 <= n; i++) {
        if (!fouine_html_same_word(s + i, 7, "charset")) {
            continue;
        }
        j = i + 7;
        while (j < n && fouine_html_space(s[j])) {
            j++;
        }
        if (j >= n || s[j] != '=') {
            continue;
        }
        j++;
        while (j < n && fouine_html_space(s[j])) {
            j++;
        }
        if (j < n && (s[j] == '"' || s[j] == '\'')) {
            const char *q = memchr(s + j + 1, s[j], n - j - 1);
            if (!q) {
                return NULL;
            }
            *len = (size_t)(q - (s + j + 1));
            return s + j + 1;
        }
        i = j;
        while (j < n && !fouine_html_space(s[j]) && s[j] != ';') {
            j++;
        }
        *len = j - i;
        return *len ? s + i : NULL;
    }
    return NULL;
}

/*
** The charset label declared in the first bytes of a page: <meta
** charset>, <meta http-equiv="Content-Type" content>, or the encoding of
** an XML declaration at the start.  Sets *len; NULL when none.
*/
static const char *prescan(const char *s, size_t n, size_t *len)
{
    size_t pos = 0, limit = n < FOUINE_HTML_PRESCAN ? n : FOUINE_HTML_PRESCAN;
    lex_tag tag;
    meta_attrs m;
    *len = 0;
    memset(&m, 0, sizeof m);
    while (pos < limit && lex_next(s, n, &pos, &tag, collect_meta, &m)) {
        int xml = fouine_html_same_word(tag.name, tag.nlen, "?xml");
        if (tag.start >= limit) {
            break;
        }
        if (xml || fouine_html_same_word(tag.name, tag.nlen, "meta")) {
            if (m.charset && (xml || m.charset_len > 0)) {
                *len = m.charset_len;
                return m.charset;
            }
            if (!xml && m.content_type && m.content) {
                const char *cs = content_charset(m.content, m.content_len, len);
                if (cs) {
                    return cs;
                }
            }
        }
        memset(&m, 0, sizeof m);
    }
    return NULL;
}

int fouine_html_decode(char **owned,
                       const char **text,
                       size_t *textlen,
                       fouine_html_info *info,
                       const char *bytes,
                       size_t len)
{
    const char *label;
    char *fixed = NULL;
    size_t llen = 0, fixed_len = 0, bad = SIZE_MAX, high = 0, i;
    int declared = -1, rc;

    *owned = NULL;
    *text = bytes;
    *textlen = len;
    memset(info, 0, sizeof *info);
    info->bad_utf8 = SIZE_MAX;
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
        bytes += 3;
        len -= 3;
        *text = bytes;
        *textlen = len;
        info->from = FOUINE_FROM_BOM;
    } else {
        label = prescan(bytes, len, &llen);
        if (label) {
            size_t keep = llen < sizeof info->declared - 1 ?
                              llen :
                              sizeof info->declared - 1;
            memcpy(info->declared, label, keep);
            info->declared[keep] = '\0';
            declared = charset_of_label(label, llen);
            info->from =
                declared < 0 ? FOUINE_FROM_UNSUPPORTED : FOUINE_FROM_DECLARED;
        }
    }
    for (i = 0; i < len; i++) {
        high += (unsigned char)bytes[i] >= 0x80;
    }
    if (high == 0) {
        /* ASCII reads the same in every charset the reader knows. */
        info->charset =
            declared > 0 ? (fouine_charset)declared : FOUINE_CHARSET_UTF8;
        return FOUINE_OK;
    }
    rc = fouine_utf8_repair(&fixed, &fixed_len, &bad, bytes, len);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (declared > 0) {
        /* A legacy charset declared: unless the bytes are UTF-8. */
        if (bad == SIZE_MAX) {
            info->from = FOUINE_FROM_UTF8_BYTES;
            return FOUINE_OK;
        }
        fouine_free(fixed);
        info->charset = (fouine_charset)declared;
        rc = decode_legacy(owned, textlen, info->charset, bytes, len);
        *text = *owned;
        return rc;
    }
    if (bad == SIZE_MAX) {
        return FOUINE_OK; /* UTF-8, as declared or expected */
    }
    /* Each invalid byte became the 3 bytes of U+FFFD: when every byte
    ** above 0x7F was invalid, no character of the page is UTF-8. */
    if ((fixed_len - len) / 2 == high && info->from != FOUINE_FROM_BOM) {
        fouine_free(fixed);
        info->charset = FOUINE_CHARSET_WINDOWS_1252;
        info->from = FOUINE_FROM_NOT_UTF8;
        rc = decode_legacy(owned, textlen, info->charset, bytes, len);
        *text = *owned;
        return rc;
    }
    info->bad_utf8 = bad + (info->from == FOUINE_FROM_BOM ? 3 : 0);
    *owned = fixed;
    *text = fixed;
    *textlen = fixed_len;
    return FOUINE_OK;
}

/*
** The tree, built from libxml2's SAX callbacks.
*/

/* Tag names, in the order of fouine_tag from FOUINE_TAG_A on (sorted). */
static const char *const tag_names[FOUINE_TAG_COUNT - FOUINE_TAG_A] = {
    "a",      "address",  "article",    "aside",    "audio",    "blockquote",
    "body",   "br",       "button",     "canvas",   "caption",  "center",
    "dd",     "details",  "dialog",     "div",      "dl",       "dt",
    "embed",  "fieldset", "figcaption", "figure",   "footer",   "form",
    "h1",     "h2",       "h3",         "h4",       "h5",       "h6",
    "head",   "header",   "hgroup",     "hr",       "html",     "iframe",
    "img",    "input",    "label",      "legend",   "li",       "link",
    "main",   "math",     "menu",       "meta",     "nav",      "noscript",
    "object", "ol",       "option",     "p",        "picture",  "pre",
    "script", "section",  "select",     "style",    "summary",  "svg",
    "table",  "tbody",    "td",         "template", "textarea", "tfoot",
    "th",     "thead",    "time",       "title",    "tr",       "ul",
    "video"
};

/* Attribute names, in the order of fouine_attr_key (sorted). */
static const char *const attr_names[FOUINE_ATTR_COUNT] = {
    "aria-hidden", "aria-label", "class",    "content",  "datetime", "hidden",
    "href",        "id",         "itemprop", "itemtype", "name",     "property",
    "pubdate",     "rel",        "role",     "style",    "type"
};

/* Index of name in a sorted table, or -1. */
static int lookup(const char *const *table, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcasecmp(name, table[mid]);
        if (c == 0) {
            return (int)mid;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return -1;
}

/* The fouine_tag of an element name. */
static fouine_tag tag_of(const char *name)
{
    int k = lookup(tag_names, sizeof tag_names / sizeof tag_names[0], name);
    return k < 0 ? FOUINE_TAG_OTHER : (fouine_tag)(FOUINE_TAG_A + k);
}

/* State of one parse. */
typedef struct builder {
    fouine_html_tree *t;                   /* the tree; not owned */
    htmlParserCtxtPtr ctxt;                /* libxml2's parser; not owned */
    uint32_t stack[FOUINE_HTML_MAX_DEPTH]; /* open elements */
    size_t depth;                          /* their number */
    int json_script; /* the open element is a JSON-LD <script> */
    int failed;      /* out of memory: the parse stops */
    int cut;         /* FOUINE_HTML_CUT_DEPTH once the limit is met */
    size_t cut_at;   /* where */
} builder;

/* Stop the parse for lack of memory. */
static void fail(builder *b)
{
    b->failed = 1;
    xmlStopParser(b->ctxt);
}

/* A new node at the end of the tree, or NULL (the parse stops). */
static fouine_html_node *new_node(builder *b, fouine_tag tag)
{
    fouine_html_tree *t = b->t;
    fouine_html_node *n;
    if (t->nnodes == t->capnodes) {
        size_t cap = t->capnodes ? t->capnodes * 2 : 256;
        fouine_html_node *p = NULL;
        if (cap < UINT32_MAX) {
            p = fouine_realloc(t->nodes, cap * sizeof *p);
        }
        if (!p) {
            fail(b);
            return NULL;
        }
        t->nodes = p;
        t->capnodes = cap;
    }
    n = &t->nodes[t->nnodes++];
    n->parent = b->depth ? b->stack[b->depth - 1] : FOUINE_HTML_NONE;
    n->end = (uint32_t)t->nnodes; /* until it closes */
    n->off = 0;
    n->len = 0;
    n->tag = (uint16_t)tag;
    n->depth = (uint16_t)b->depth;
    return n;
}

/* Append text to the tree's text, turning the C1 code points into the
** windows-1252 characters they stand for. */
static void append_text(fouine_buf *out, const char *s, size_t n)
{
    size_t i = 0, from = 0;
    while (i + 1 < n) {
        const char *c2 = memchr(s + i, '\xC2', n - i - 1);
        unsigned char c;
        if (!c2) {
            break;
        }
        i = (size_t)(c2 - s);
        c = (unsigned char)s[i + 1];
        if (c >= 0x80 && c < 0xA0 && cp1252_high[c - 0x80] != c) {
            char u[3];
            size_t k = put_utf8(u, cp1252_high[c - 0x80]);
            fouine_buf_append(out, s + from, i - from);
            fouine_buf_append(out, u, k);
            from = i + 2;
        }
        i += 2;
    }
    fouine_buf_append(out, s + from, n - from);
}

/* Keep an attribute of the element being added. */
static void add_attr(builder *b,
                     fouine_html_node *node,
                     fouine_attr_key key,
                     const char *value)
{
    fouine_html_tree *t = b->t;
    size_t off = t->text.len, vlen = strlen(value);
    if (t->nattrs == t->capattrs) {
        size_t cap = t->capattrs ? t->capattrs * 2 : 256;
        fouine_html_attribute *p = NULL;
        if (cap < UINT32_MAX) {
            p = fouine_realloc(t->attrs, cap * sizeof *p);
        }
        if (!p) {
            fail(b);
            return;
        }
        t->attrs = p;
        t->capattrs = cap;
    }
    append_text(&t->text, value, vlen);
    fouine_buf_append(&t->text, "", 1); /* the value's NUL */
    if (t->text.failed || t->text.len > UINT32_MAX) {
        fail(b);
        return;
    }
    t->attrs[t->nattrs].key = (uint32_t)key;
    t->attrs[t->nattrs].off = (uint32_t)off;
    t->attrs[t->nattrs].len = (uint32_t)(t->text.len - 1 - off);
    t->nattrs++;
    node->len++;
}

/* SAX: an element opens (its attributes, name and value, in atts). */
static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    builder *b = ctx;
    fouine_html_node *node;
    size_t k, index;
    const char *type = NULL;
    fouine_tag tag;

    if (b->failed || b->cut) {
        return;
    }
    if (b->depth == FOUINE_HTML_MAX_DEPTH) {
        b->cut = FOUINE_HTML_CUT_DEPTH;
        b->cut_at = (size_t)xmlByteConsumed(b->ctxt);
        xmlStopParser(b->ctxt);
        return;
    }
    tag = tag_of((const char *)name);
    node = new_node(b, tag);
    if (!node) {
        return;
    }
    index = b->t->nnodes - 1;
    node->off = (uint32_t)b->t->nattrs;
    for (k = 0; atts && atts[k] && !b->failed; k += 2) {
        int key = lookup(attr_names, FOUINE_ATTR_COUNT, (const char *)atts[k]);
        const char *value = atts[k + 1] ? (const char *)atts[k + 1] : "";
        if (key < 0) {
            continue;
        }
        if (key == FOUINE_ATTR_TYPE) {
            type = value;
        }
        add_attr(b, node, (fouine_attr_key)key, value); /* nodes stay put */
    }
    b->stack[b->depth++] = (uint32_t)index;
    b->json_script = tag == FOUINE_TAG_SCRIPT && type &&
                     strcasecmp(type, "application/ld+json") == 0;
}

/* SAX: the innermost open element closes. */
static void on_end(void *ctx, const xmlChar *name)
{
    builder *b = ctx;
    (void)name; /* libxml2 closes elements in the order it opened them */
    if (b->depth > 0) {
        uint32_t i = b->stack[--b->depth];
        b->t->nodes[i].end = (uint32_t)b->t->nnodes;
    }
    b->json_script = 0;
}

/* SAX: text, entities decoded; a piece of a text node, or a new one. */
static void on_text(void *ctx, const xmlChar *ch, int len)
{
    builder *b = ctx;
    fouine_html_tree *t = b->t;
    fouine_html_node *last;
    uint32_t parent = b->depth ? b->stack[b->depth - 1] : FOUINE_HTML_NONE;
    size_t before = t->text.len;

    if (b->failed || b->cut || len <= 0) {
        return;
    }
    last = t->nnodes ? &t->nodes[t->nnodes - 1] : NULL;
    if (!last || last->tag != FOUINE_TAG_TEXT || last->parent != parent) {
        /* libxml2 gives a text in pieces: a new node only after an element
        ** opened or closed. */
        last = new_node(b, FOUINE_TAG_TEXT);
        if (!last) {
            return;
        }
        last->off = (uint32_t)before;
    }
    append_text(&t->text, (const char *)ch, (size_t)len);
    if (t->text.failed || t->text.len > UINT32_MAX) {
        fail(b);
        return;
    }
    last->len += (uint32_t)(t->text.len - before);
}

/* Raw text of <script> and <style>: kept for JSON-LD only. */
static void on_raw(void *ctx, const xmlChar *ch, int len)
{
    builder *b = ctx;
    if (b->json_script) {
        on_text(ctx, ch, len);
    }
}

/*
** Where to stop reading a page so that no tag has more than
** FOUINE_HTML_MAX_ATTRS attributes: the '<' of the first such tag, or len.
*/
static size_t attrs_cut(const char *s, size_t len)
{
    size_t pos = 0;
    lex_tag tag;
    while (lex_next(s, len, &pos, &tag, NULL, NULL)) {
        if (tag.nattrs > FOUINE_HTML_MAX_ATTRS) {
            return tag.start;
        }
    }
    return len;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2's global state, set up once before any thread parses. */
static void xml_init(void)
{
    xmlInitParser();
}

int fouine_html_tree_build(fouine_html_tree *out,
                           fouine_html_info *info,
                           const char *text,
                           size_t len)
{
    htmlParserCtxtPtr ctxt = NULL;
    builder *b = NULL;
    size_t cut;
    int rc = FOUINE_ENOMEM;

    memset(out, 0, sizeof *out);
    if (len > (size_t)FOUINE_HTML_MAX_BYTES * 3 || len > INT32_MAX) {
        return FOUINE_EINVAL;
    }
    cut = attrs_cut(text, len);
    if (cut < len) {
        info->cut = FOUINE_HTML_CUT_ATTRS;
        info->cut_at = cut;
        len = cut;
    }
    if (len == 0) {
        return FOUINE_OK;
    }
    if (pthread_once(&xml_once, xml_init) != 0) {
        return FOUINE_ENOMEM;
    }
    b = fouine_calloc(1, sizeof *b);
    if (!b) {
        goto done;
    }
    ctxt = htmlCreateMemoryParserCtxt(text, (int)len);
    if (!ctxt || !ctxt->sax) {
        goto done;
    }
    b->t = out;
    b->ctxt = ctxt;
    memset(ctxt->sax, 0, sizeof *ctxt->sax);
    ctxt->sax->startElement = on_start;
    ctxt->sax->endElement = on_end;
    ctxt->sax->characters = on_text;
    ctxt->sax->ignorableWhitespace = on_text;
    ctxt->sax->cdataBlock = on_raw;
    ctxt->userData = b;
    /* Errors are recovered from and not reported; the meta charset of the
    ** page is ignored: the text is UTF-8 already.  (The HTML parser loads
    ** nothing from the network: it has no external entities.) */
    if (htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING |
                                     HTML_PARSE_IGNORE_ENC) != 0 ||
        xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8) != 0) {
        goto done;
    }
    (void)htmlParseDocument(ctxt); /* -1 for any markup error: recovered */
    if (b->failed || ctxt->errNo == XML_ERR_NO_MEMORY) {
        goto done;
    }
    /* Elements still open when the parse stopped end with the page. */
    while (b->depth > 0) {
        out->nodes[b->stack[--b->depth]].end = (uint32_t)out->nnodes;
    }
    if (b->cut) {
        info->cut = b->cut;
        info->cut_at = b->cut_at;
    }
    rc = FOUINE_OK;
done:
    if (ctxt) {
        if (ctxt->myDoc) {
            xmlFreeDoc(ctxt->myDoc);
        }
        htmlFreeParserCtxt(ctxt);
    }
    fouine_free(b);
    return rc;
}

void fouine_html_tree_free(fouine_html_tree *t)
{
    fouine_free(t->nodes);
    fouine_free(t->attrs);
    fouine_free(t->text.data);
    memset(t, 0, sizeof *t);
}

const char *fouine_html_attr(const fouine_html_tree *t,
                             size_t node,
                             fouine_attr_key key,
                             size_t *len)
{
    const fouine_html_node *n = &t->nodes[node];
    size_t i;
    if (n->tag == FOUINE_TAG_TEXT) {
        return NULL;
    }
    for (i = n->off; i < (size_t)n->off + n->len; i++) {
        if (t->attrs[i].key == (uint32_t)key) {
            if (len) {
                *len = t->attrs[i].len;
            }
            return t->text.data + t->attrs[i].off;
        }
    }
    return NULL;
}
