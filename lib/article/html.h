/*
** html.h: private interface of the HTML reader of fouine-index.
**
** html_tree.c  the bytes of a page: character set, decoding to UTF-8, and
**              the page's tree as libxml2's HTML parser builds it (through
**              its SAX interface, into flat arrays)
** html.c       the article in a page: metadata (JSON-LD, Open Graph,
**              microdata, <title>, <h1>, <time>), the container of the
**              article text (scored by text density, readability-style),
**              its paragraphs without the site's chrome, reader comments
*/
#ifndef FOUINE_HTML_H
#define FOUINE_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "fouine/buf.h"
#include "indexer.h"

/*
** Interface to code in html_tree.c.
*/

/** Whether c is HTML white space (space, tab, LF, CR, FF). */
static inline int fouine_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/** c in ASCII lowercase. */
static inline char fouine_html_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/**
 * Whether s[0..n) is word, ASCII case ignored.
 *
 * @param s    the text (not necessarily NUL-terminated)
 * @param n    its length
 * @param word a NUL-terminated word in lowercase
 */
int fouine_html_same_word(const char *s, size_t n, const char *word);

/* Limits of the HTML reader.  Each bounds libxml2's work on hostile
** markup (its parser compares every end tag with the open elements and
** every attribute name with the names before it in the tag), so that the
** work on any page stays linear in its size. */
#define FOUINE_HTML_MAX_DEPTH \
    256                           /* an element nested deeper ends what is
                                     read of the page */
#define FOUINE_HTML_MAX_ATTRS 256 /* so does a tag with more attributes */
#define FOUINE_HTML_MAX_BYTES (256u << 20) /* larger pages are refused */
#define FOUINE_HTML_PRESCAN \
    1024 /* bytes searched for a declared charset,
                                      as browsers do */

/* Character sets the reader decodes. */
typedef enum fouine_charset {
    FOUINE_CHARSET_UTF8 = 0,
    FOUINE_CHARSET_WINDOWS_1252, /* also for the labels ISO-8859-1, Latin-1
                                    and US-ASCII, as browsers read them */
    FOUINE_CHARSET_ISO_8859_15
} fouine_charset;

/* How the character set of a page was chosen. */
typedef enum fouine_charset_from {
    FOUINE_FROM_DEFAULT = 0, /* nothing declared, the bytes are UTF-8 */
    FOUINE_FROM_BOM,         /* a UTF-8 byte order mark */
    FOUINE_FROM_DECLARED,    /* <meta charset>, http-equiv or <?xml?> */
    FOUINE_FROM_UTF8_BYTES,  /* a legacy charset declared, but the bytes
                                are UTF-8 (a page saved again) */
    FOUINE_FROM_NOT_UTF8,    /* UTF-8 declared or nothing declared, but no
                                byte of the page is UTF-8: windows-1252 */
    FOUINE_FROM_UNSUPPORTED  /* a charset the reader does not know was
                                declared: read as if none were */
} fouine_charset_from;

/* Why the end of a page was not read. */
#define FOUINE_HTML_CUT_DEPTH 1 /* FOUINE_HTML_MAX_DEPTH reached */
#define FOUINE_HTML_CUT_ATTRS 2 /* a tag over FOUINE_HTML_MAX_ATTRS */

/* What the reader found out about a page's bytes, for messages. */
typedef struct fouine_html_info {
    fouine_charset charset;   /* what the page was read as */
    fouine_charset_from from; /* why */
    char declared[40];        /* the charset label the page declares, cut
                                 to fit; "" when none */
    size_t bad_utf8;          /* byte offset of the first invalid UTF-8 sequence
                         replaced by U+FFFD, SIZE_MAX when none */
    int cut;       /* FOUINE_HTML_CUT_*, 0 when the whole page was read */
    size_t cut_at; /* where the reading stopped: byte offset in the
                         page as UTF-8 */
} fouine_html_info;

/** The name of a character set ("windows-1252"); static. */
const char *fouine_charset_name(fouine_charset cs);

/**
 * Find the character set of a page and decode it to UTF-8.  A UTF-8 byte
 * order mark wins; else the charset declared in the first
 * FOUINE_HTML_PRESCAN bytes (<meta charset>, <meta http-equiv=
 * "Content-Type" content="...; charset=...">, <?xml encoding?>); else
 * UTF-8.  Bytes that are not UTF-8 where UTF-8 is expected are read as
 * windows-1252 when no byte of the page is UTF-8, and replaced by U+FFFD
 * otherwise.  A legacy charset declared on bytes that are UTF-8 (and not
 * ASCII) gives UTF-8.
 *
 * @param[out] owned   a new buffer (fouine_free()) when the text had to be
 *                     converted or repaired, else NULL
 * @param[out] text    the page as valid UTF-8 without byte order mark:
 *                     *owned, or a pointer into bytes
 * @param[out] textlen its length
 * @param[out] info    charset, how it was found, bad_utf8; emptied first
 * @param bytes        the page, not necessarily NUL-terminated
 * @param len          its length
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_html_decode(char **owned,
                                  const char **text,
                                  size_t *textlen,
                                  fouine_html_info *info,
                                  const char *bytes,
                                  size_t len);

/* Elements the reader tells apart; any other is FOUINE_TAG_OTHER.  Keep
** in the order of the table in html_tree.c. */
typedef enum fouine_tag {
    FOUINE_TAG_TEXT = 0, /* not an element: a text node */
    FOUINE_TAG_OTHER,    /* an element of another name */
    FOUINE_TAG_A,
    FOUINE_TAG_ADDRESS,
    FOUINE_TAG_ARTICLE,
    FOUINE_TAG_ASIDE,
    FOUINE_TAG_AUDIO,
    FOUINE_TAG_BLOCKQUOTE,
    FOUINE_TAG_BODY,
    FOUINE_TAG_BR,
    FOUINE_TAG_BUTTON,
    FOUINE_TAG_CANVAS,
    FOUINE_TAG_CAPTION,
    FOUINE_TAG_CENTER,
    FOUINE_TAG_DD,
    FOUINE_TAG_DETAILS,
    FOUINE_TAG_DIALOG,
    FOUINE_TAG_DIV,
    FOUINE_TAG_DL,
    FOUINE_TAG_DT,
    FOUINE_TAG_EMBED,
    FOUINE_TAG_FIELDSET,
    FOUINE_TAG_FIGCAPTION,
    FOUINE_TAG_FIGURE,
    FOUINE_TAG_FOOTER,
    FOUINE_TAG_FORM,
    FOUINE_TAG_H1,
    FOUINE_TAG_H2,
    FOUINE_TAG_H3,
    FOUINE_TAG_H4,
    FOUINE_TAG_H5,
    FOUINE_TAG_H6,
    FOUINE_TAG_HEAD,
    FOUINE_TAG_HEADER,
    FOUINE_TAG_HGROUP,
    FOUINE_TAG_HR,
    FOUINE_TAG_HTML,
    FOUINE_TAG_IFRAME,
    FOUINE_TAG_IMG,
    FOUINE_TAG_INPUT,
    FOUINE_TAG_LABEL,
    FOUINE_TAG_LEGEND,
    FOUINE_TAG_LI,
    FOUINE_TAG_LINK,
    FOUINE_TAG_MAIN,
    FOUINE_TAG_MATH,
    FOUINE_TAG_MENU,
    FOUINE_TAG_META,
    FOUINE_TAG_NAV,
    FOUINE_TAG_NOSCRIPT,
    FOUINE_TAG_OBJECT,
    FOUINE_TAG_OL,
    FOUINE_TAG_OPTION,
    FOUINE_TAG_P,
    FOUINE_TAG_PICTURE,
    FOUINE_TAG_PRE,
    FOUINE_TAG_SCRIPT,
    FOUINE_TAG_SECTION,
    FOUINE_TAG_SELECT,
    FOUINE_TAG_STYLE,
    FOUINE_TAG_SUMMARY,
    FOUINE_TAG_SVG,
    FOUINE_TAG_TABLE,
    FOUINE_TAG_TBODY,
    FOUINE_TAG_TD,
    FOUINE_TAG_TEMPLATE,
    FOUINE_TAG_TEXTAREA,
    FOUINE_TAG_TFOOT,
    FOUINE_TAG_TH,
    FOUINE_TAG_THEAD,
    FOUINE_TAG_TIME,
    FOUINE_TAG_TITLE,
    FOUINE_TAG_TR,
    FOUINE_TAG_UL,
    FOUINE_TAG_VIDEO,
    FOUINE_TAG_COUNT
} fouine_tag;

/* Attributes the reader keeps; others are not stored. */
typedef enum fouine_attr_key {
    FOUINE_ATTR_ARIA_HIDDEN = 0,
    FOUINE_ATTR_ARIA_LABEL,
    FOUINE_ATTR_CLASS,
    FOUINE_ATTR_CONTENT,
    FOUINE_ATTR_DATETIME,
    FOUINE_ATTR_HIDDEN,
    FOUINE_ATTR_HREF,
    FOUINE_ATTR_ID,
    FOUINE_ATTR_ITEMPROP,
    FOUINE_ATTR_ITEMTYPE,
    FOUINE_ATTR_NAME,
    FOUINE_ATTR_PROPERTY,
    FOUINE_ATTR_PUBDATE,
    FOUINE_ATTR_REL,
    FOUINE_ATTR_ROLE,
    FOUINE_ATTR_STYLE,
    FOUINE_ATTR_TYPE,
    FOUINE_ATTR_COUNT
} fouine_attr_key;

#define FOUINE_HTML_NONE UINT32_MAX /* no node */

/* One node of a page: an element or a text.  Nodes are stored in document
** order, so the subtree of node i is the nodes i to end - 1. */
typedef struct fouine_html_node {
    uint32_t parent; /* index of the parent element, FOUINE_HTML_NONE for
                        a node at the top */
    uint32_t end;    /* one past the last node of the subtree */
    uint32_t off;    /* text: offset of its text in the tree's text;
                        element: index of its first attribute */
    uint32_t len;    /* text: bytes; element: number of attributes */
    uint16_t tag;    /* fouine_tag */
    uint16_t depth;  /* elements above it */
} fouine_html_node;

/* One attribute kept. */
typedef struct fouine_html_attribute {
    uint32_t key; /* fouine_attr_key */
    uint32_t off; /* offset of its value in the tree's text (NUL-terminated
                     there) */
    uint32_t len; /* length of the value */
} fouine_html_attribute;

/* The tree of a page.  Texts are as the page gives them, entities decoded
** (and the C1 code points U+0080 to U+009F, which numeric references to
** windows-1252 bytes give, turned into the characters they stand for),
** white space untouched; the text of a <script> is kept only for JSON-LD
** (type="application/ld+json"), that of a <style> never. */
typedef struct fouine_html_tree {
    fouine_html_node *nodes;      /* owned */
    size_t nnodes;                /* their number */
    size_t capnodes;              /* room in nodes */
    fouine_html_attribute *attrs; /* owned */
    size_t nattrs;                /* their number */
    size_t capattrs;              /* room in attrs */
    fouine_buf text;              /* texts and attribute values; owned */
} fouine_html_tree;

/**
 * Parse a page with libxml2's HTML parser (error recovery as a browser
 * would, entities decoded) into a tree.  Thread-safe.
 *
 * @param[out] out  the tree, emptied first; release with
 *                  fouine_html_tree_free() whatever the result
 * @param[in,out] info  cut and cut_at are set when the page is cut at a
 *                  limit (FOUINE_HTML_MAX_DEPTH, FOUINE_HTML_MAX_ATTRS)
 * @param text      the page, valid UTF-8 (fouine_html_decode())
 * @param len       its length, at most FOUINE_HTML_MAX_BYTES * 3
 * @return FOUINE_OK, FOUINE_EINVAL when the page is too large, or
 *         FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_html_tree_build(fouine_html_tree *out,
                                      fouine_html_info *info,
                                      const char *text,
                                      size_t len);

/** Release a tree and empty it; an emptied tree is fine. */
void fouine_html_tree_free(fouine_html_tree *t);

/**
 * An attribute of an element.
 *
 * @param t    the tree
 * @param node an element of t
 * @param key  the attribute
 * @param[out] len the length of the value (may be NULL)
 * @return the value, NUL-terminated, owned by the tree; NULL when the
 *         element has no such attribute
 */
const char *fouine_html_attr(const fouine_html_tree *t,
                             size_t node,
                             fouine_attr_key key,
                             size_t *len);

/*
** Interface to code in html.c.
*/

/**
 * Read the article of an HTML page: title, date, category, author, url,
 * lead and body paragraphs, reader comments (see README, "HTML pages").
 * The id is left NULL.
 *
 * @param[out] out   the article, emptied first; release with
 *                   fouine_article_clear()
 * @param[out] skip  why there is no article, on FOUINE_EINVAL:
 *                   FOUINE_SKIP_EMPTY (no text), FOUINE_SKIP_BINARY (NUL
 *                   bytes), FOUINE_SKIP_TOO_LARGE (over
 *                   FOUINE_HTML_MAX_BYTES), FOUINE_SKIP_NO_TITLE
 * @param[out] info  the charset read and what was met (see
 *                   fouine_html_warnings()); emptied first
 * @param bytes      the page, not necessarily NUL-terminated
 * @param len        its length
 * @return FOUINE_OK, FOUINE_EINVAL (see skip), FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_html_parse(fouine_article *out,
                                 fouine_skip *skip,
                                 fouine_html_info *info,
                                 const char *bytes,
                                 size_t len);

/**
 * The warnings of a page read, as one English line ("invalid UTF-8 at
 * byte offset 12, replaced by U+FFFD; ..."), for the messages of
 * fouine-index.
 *
 * @param[out] out  the line, cut to fit; "" when there is nothing to say
 * @param size      size of out
 * @param info      what fouine_html_parse() found
 * @return the number of warnings
 */
int fouine_html_warnings(char *out, size_t size, const fouine_html_info *info);

/**
 * How the charset of a page was chosen, in English ("windows-1252,
 * declared iso-8859-1"), for fouine-index --show.
 *
 * @param[out] out the text, cut to fit
 * @param size     size of out
 * @param info     what fouine_html_parse() found
 */
void fouine_html_charset_text(char *out,
                              size_t size,
                              const fouine_html_info *info);

#endif /* FOUINE_HTML_H */
