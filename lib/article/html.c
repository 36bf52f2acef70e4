/*
** html.c: the article of an HTML page (see html.h and README, "HTML
** pages").
**
** Metadata comes from the standards first: schema.org JSON-LD (parsed
** with jansson, "@graph" and lists followed), Open Graph and article:
** meta tags, microdata (itemprop), <link rel="canonical">, then the page
** itself: <h1>, <time datetime>, a French date line, breadcrumbs, bylines,
** <title> without the site's name.
**
** The text comes from the element that holds the article, found as
** readability-style extractors find it, with rules for news pages in
** general and none for a site:
**   1. Elements that are never article text are set apart: by tag
**      (script, nav, aside, footer, forms' controls, media...), by ARIA
**      role, when hidden, and by the words of their class and id
**      ("share", "related", "lire-aussi", "newsletter", "cookie", "pub",
**      "sidebar"...); sections of reader comments likewise, for the
**      comment table.  Elements marked as the content (<main>,
**      itemprop="articleBody", role="main") and their ancestors, and those
**      that hold most of the page's text, are never set apart by words.
**   2. The rest is cut into paragraphs (block elements and <br> end one).
**      Each paragraph of 25 characters or more scores 1, plus 1 a comma,
**      plus 1 per 100 characters (3 at most), for the element that holds
**      it, half as much for that element's parent, and less above; an
**      element starts from a score for its tag and its class words.
**   3. Scores are scaled by the share of text outside links; the best
**      element wins, possibly replaced by an ancestor that holds the other
**      good candidates, and its siblings join it when they score well with
**      few links, or are plain paragraphs.
**   4. Inside it, blocks mostly made of links, of images or forms, and
**      embeds with a caption are removed; so are paragraphs mostly made
**      of links, "À lire aussi"-style lines, date lines, and the title.
** When this gives fewer than MIN_ARTICLE_CHARS characters, it is done
** again with fewer of the rules, and the longest result is kept.
*/
#include "html.h"
#include "indexer.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

#define MIN_PARAGRAPH     25  /* characters of a paragraph that scores */
#define MIN_ARTICLE_CHARS 100 /* fewer: try again with fewer rules */
#define ATTEMPTS          4   /* rules relaxed one after the other */
#define MAX_H1            16  /* <h1> elements kept as title candidates */
#define MAX_TIMES         16  /* <time datetime> elements kept */
#define MAX_BYLINES       8   /* byline elements kept */
#define MAX_JSON_DEPTH    8   /* JSON-LD nesting followed */
#define MAX_CRUMBS        12  /* breadcrumb items read */
#define DATE_SIZE         40  /* an ISO 8601 date and its NUL */
#define DATE_LOOKBACK \
    40 /* paragraphs before the article searched for
                                 a French date line */
#define STR_(x) #x
#define STR(x)  STR_(x)

/* Flags of a node. */
#define N_DROP     0x0001 /* never article text: tag, role, hidden */
#define N_HINT     0x0002 /* chrome by its class or id words */
#define N_COMMENTS 0x0004 /* a section of reader comments */
#define N_PROTECT  0x0008 /* the content, or an ancestor of it */
#define N_HASBLOCK 0x0010 /* holds block elements */
#define N_SCORED   0x0020 /* has a content score (this attempt) */
#define N_CLEANED  0x0040 /* removed from the article (this attempt) */
#define N_CMETA    0x0080 /* inside a comment: author, date, buttons */
#define N_CITEM    0x0100 /* one reader comment */
#define N_IN_MAIN  0x0200 /* inside <article> or <main> */
#define N_POSITIVE 0x0400 /* a content word in its class or id */
#define N_INCOMM   0x0800 /* a comment section, or inside one */

/* Words of class and id attributes. */
#define W_POSITIVE 0x01  /* article, content, post, story, texte... */
#define W_NEGATIVE 0x02  /* meta, widget, popular...: scored down */
#define W_CHROME   0x04  /* share, related, menu, pub...: set apart */
#define W_COMMENTS 0x08  /* comments, commentaires, reactions... */
#define W_COMMENT  0x10  /* one comment ("comment", singular) */
#define W_CPART    0x20  /* a part of a comment or of their section */
#define W_CMETA    0x40  /* the author, date, buttons of a comment */
#define W_CRUMB    0x80  /* breadcrumbs */
#define W_BYLINE   0x100 /* the author's name */

/* Per node: what the scoring needs. */
typedef struct nstat {
    float score;     /* content score, when N_SCORED */
    uint32_t chars;  /* characters of the subtree's paragraphs */
    uint32_t links;  /* of them inside links */
    uint32_t commas; /* commas of the subtree's paragraphs */
    uint32_t paras;  /* paragraphs of MIN_PARAGRAPH characters or more */
    uint32_t imgs;   /* <img> in the subtree */
    uint32_t embeds; /* <iframe>, <video>, <object>... in the subtree */
    uint32_t inputs; /* form controls in the subtree */
    uint32_t lis;    /* <li> in the subtree */
    int16_t weight;  /* class and id weight */
    uint16_t flags;  /* N_* */
    uint16_t words;  /* W_* of its class and id */
} nstat;

/* A paragraph, as a reader sees it. */
typedef struct seg {
    uint32_t node;   /* its first text node */
    uint32_t block;  /* its nearest block element, or FOUINE_HTML_NONE */
    uint32_t off;    /* its text in the segs' text: white space collapsed,
                        trimmed */
    uint32_t len;    /* bytes */
    uint32_t chars;  /* characters, blanks excluded */
    uint32_t links;  /* of them inside links */
    uint32_t commas; /* ',' */
} seg;

/* The paragraphs of a walk, and the article chosen among them. */
typedef struct segs {
    seg *v;          /* owned */
    size_t n;        /* their number */
    size_t cap;      /* room in v */
    fouine_buf text; /* their texts; owned */
    uint32_t *out;   /* the article's paragraphs, indexes in v; owned */
    size_t nout;     /* their number */
    size_t capout;   /* room in out */
    uint32_t top;    /* the element chosen, or FOUINE_HTML_NONE */
    size_t chars;    /* characters of the article's paragraphs */
    int failed;      /* an allocation failed */
} segs;

/* A piece of text inside the tree or a JSON value; not owned. */
typedef struct view {
    const char *s; /* NULL when absent */
    size_t n;      /* bytes */
} view;

/* What the metadata pass found.  Views point into the tree's text;
** strings are owned. */
typedef struct meta {
    char *ld_headline;    /* JSON-LD article: headline (or name) */
    char *ld_date;        /* datePublished (or dateCreated) */
    char *ld_section;     /* articleSection */
    char *ld_author;      /* author(s), names joined by ", " */
    char *ld_url;         /* url, or mainEntityOfPage */
    char *ld_description; /* description */
    char *ld_site;        /* publisher's or WebSite's name */
    char *ld_crumb;       /* BreadcrumbList: the section */
    int ld_article;       /* an article object was found */
    view og_title, og_url, og_description, og_site_name, app_name;
    view description, canonical, pub_time, date_meta, section, section_meta;
    view author_meta, article_author, md_date, md_section;
    uint32_t title_tag;            /* <title>, or FOUINE_HTML_NONE */
    uint32_t md_author;            /* itemprop="author", or NONE */
    uint32_t crumbs;               /* a breadcrumb element, or NONE */
    uint32_t h1[MAX_H1];           /* <h1> elements */
    size_t nh1;                    /* their number */
    uint32_t times[MAX_TIMES];     /* <time datetime> elements */
    size_t ntimes;                 /* their number */
    uint32_t bylines[MAX_BYLINES]; /* byline elements */
    size_t nbylines;               /* their number */
} meta;

/* One page being read. */
typedef struct page {
    const fouine_html_tree *t; /* the tree; not owned */
    nstat *st;                 /* one per node; owned */
    meta m;                    /* metadata; owns its strings */
    segs a, b;                 /* paragraphs of two attempts; owned */
    fouine_buf tmp;            /* scratch text; owned */
    json_t *ld_root;           /* the JSON-LD document being read, or NULL;
                                  not owned */
    int nomem;                 /* an allocation failed */
} page;

/*
** Small text helpers.
*/

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether c is an ASCII letter or digit. */
static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a non-breaking or thin space at s[0..n), or 0. */
static size_t wide_space(const char *s, size_t n)
{
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
        return 2; /* U+00A0 */
    }
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89)) {
        return 3; /* U+202F, U+2009 */
    }
    return 0;
}

/* A view of a NUL-terminated string (or of none). */
static view view_of(const char *s)
{
    view v;
    v.s = s;
    v.n = s ? strlen(s) : 0;
    return v;
}

/*
** A copy of s[0..n) with white space collapsed to single spaces and no
** blank (nor non-breaking space) at either end.  *out is NULL when
** nothing is left.  Returns FOUINE_OK or FOUINE_ENOMEM.
*/
static FOUINE_WUR int norm_dup(char **out, const char *s, size_t n)
{
    size_t i, o = 0, k;
    int space = 0;
    char *p;
    *out = NULL;
    for (;;) {
        if (n > 0 && fouine_html_space(*s)) {
            s++;
            n--;
        } else if ((k = wide_space(s, n)) > 0) {
            s += k;
            n -= k;
        } else {
            break;
        }
    }
    for (;;) {
        if (n > 0 && fouine_html_space(s[n - 1])) {
            n--;
        } else if (n >= 2 && wide_space(s + n - 2, 2) == 2) {
            n -= 2;
        } else if (n >= 3 && wide_space(s + n - 3, 3) == 3) {
            n -= 3;
        } else {
            break;
        }
    }
    if (n == 0) {
        return FOUINE_OK;
    }
    p = fouine_malloc(n + 1);
    if (!p) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        if (fouine_html_space(s[i])) {
            space = 1;
            continue;
        }
        if (space) {
            p[o++] = ' ';
            space = 0;
        }
        p[o++] = s[i];
    }
    p[o] = '\0';
    *out = p;
    return FOUINE_OK;
}

/*
** Compare the start of s[0..n) with an ASCII lowercase prefix, case
** ignored, with "à", "é", "è", "ê" (either case) read as "a" and "e" and a
** non-breaking space as a space.  Returns the bytes of s matched, or 0.
*/
static size_t folded_prefix(const char *s, size_t n, const char *prefix)
{
    size_t i = 0;
    for (; *prefix; prefix++) {
        char c;
        size_t k = wide_space(s + i, n - i);
        if (i >= n) {
            return 0;
        }
        if (k > 0) {
            c = ' ';
            i += k;
        } else if ((unsigned char)s[i] == 0xC3 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1] | 0x20;
            c = d == 0xA0 ? 'a' : (d >= 0xA8 && d <= 0xAA) ? 'e' : '?';
            i += 2;
        } else {
            c = fouine_html_lower(s[i++]);
        }
        if (c != *prefix) {
            return 0;
        }
    }
    return i;
}

/*
** Class and id words.
*/

/* Words, each with its W_* flags.  A word of a class or id is its run of
** letters and digits (camelCase split), lowercased. */
static const struct {
    const char *word;
    int flags;
} class_words[] = {
    { "abonnement", W_CHROME },
    { "actions", W_CPART | W_CMETA },
    { "ad", W_CHROME },
    { "ads", W_CHROME },
    { "adv", W_CHROME },
    { "advert", W_CHROME },
    { "advertisement", W_CHROME },
    { "advertising", W_CHROME },
    { "ariane", W_CHROME | W_CRUMB },
    { "article", W_POSITIVE },
    { "aside", W_CHROME },
    { "aussi", W_CHROME },
    { "auteur", W_CHROME | W_CPART | W_CMETA | W_BYLINE },
    { "author", W_CHROME | W_CPART | W_CMETA | W_BYLINE },
    { "avatar", W_CPART | W_CMETA },
    { "banner", W_CHROME },
    { "billboard", W_CHROME },
    { "blog", W_POSITIVE },
    { "body", W_POSITIVE | W_CPART },
    { "breadcrumb", W_CHROME | W_CRUMB },
    { "breadcrumbs", W_CHROME | W_CRUMB },
    { "btn", W_CPART | W_CMETA },
    { "button", W_CPART | W_CMETA },
    { "byline", W_CHROME | W_BYLINE },
    { "caption", W_CHROME },
    { "carousel", W_NEGATIVE },
    { "chapeau", W_POSITIVE },
    { "chapo", W_POSITIVE },
    { "cmp", W_CHROME },
    { "combx", W_NEGATIVE },
    { "comment", W_COMMENTS | W_COMMENT },
    { "commentaire", W_COMMENTS | W_COMMENT },
    { "commentaires", W_COMMENTS },
    { "comments", W_COMMENTS },
    { "community", W_NEGATIVE },
    { "consent", W_CHROME },
    { "contact", W_NEGATIVE },
    { "container", W_CPART },
    { "content", W_POSITIVE | W_CPART },
    { "contenu", W_POSITIVE | W_CPART },
    { "cookie", W_CHROME },
    { "cookies", W_CHROME },
    { "copyright", W_CHROME },
    { "corps", W_POSITIVE | W_CPART },
    { "count", W_CPART },
    { "counter", W_CPART },
    { "credit", W_CHROME },
    { "credits", W_CHROME },
    { "date", W_CHROME | W_CPART | W_CMETA },
    { "dateline", W_CHROME },
    { "dfp", W_CHROME },
    { "diaporama", W_NEGATIVE },
    { "disclaimer", W_CHROME },
    { "discussion", W_COMMENTS },
    { "disqus", W_COMMENTS },
    { "entry", W_POSITIVE },
    { "extra", W_NEGATIVE },
    { "foot", W_CHROME },
    { "footer", W_CHROME | W_CPART | W_CMETA },
    { "form", W_CPART | W_CMETA },
    { "gdpr", W_CHROME },
    { "header", W_CHROME | W_CPART | W_CMETA },
    { "hentry", W_POSITIVE },
    { "hidden", W_NEGATIVE },
    { "info", W_CPART | W_CMETA },
    { "interstitial", W_CHROME },
    { "leaderboard", W_CHROME },
    { "legende", W_CHROME },
    { "like", W_CPART | W_CMETA },
    { "likes", W_CPART | W_CMETA },
    { "link", W_CPART | W_CMETA },
    { "links", W_CPART | W_CMETA },
    { "lire", W_CHROME },
    { "list", W_CPART },
    { "main", W_POSITIVE },
    { "masthead", W_CHROME },
    { "menu", W_CHROME },
    { "meta", W_NEGATIVE | W_CPART | W_CMETA },
    { "metadata", W_NEGATIVE | W_CPART | W_CMETA },
    { "modal", W_CHROME },
    { "name", W_CPART | W_CMETA },
    { "nav", W_CHROME },
    { "navbar", W_CHROME },
    { "navigation", W_CHROME },
    { "newsletter", W_CHROME },
    { "number", W_CPART },
    { "outbrain", W_CHROME },
    { "pager", W_CHROME },
    { "pagination", W_CHROME },
    { "partage", W_CHROME },
    { "partager", W_CHROME },
    { "paywall", W_CHROME },
    { "permalink", W_CPART | W_CMETA },
    { "populaires", W_NEGATIVE },
    { "popular", W_NEGATIVE },
    { "popup", W_CHROME },
    { "post", W_POSITIVE },
    { "print", W_CHROME },
    { "promo", W_CHROME },
    { "pseudo", W_CPART | W_CMETA },
    { "pub", W_CHROME },
    { "publicite", W_CHROME },
    { "published", W_CHROME | W_CMETA },
    { "rail", W_CHROME },
    { "reaction", W_COMMENTS | W_COMMENT },
    { "reactions", W_COMMENTS },
    { "recirculation", W_CHROME },
    { "recommendations", W_CHROME },
    { "recommended", W_CHROME },
    { "related", W_CHROME },
    { "replies", W_CPART },
    { "reply", W_CPART | W_CMETA },
    { "report", W_CPART | W_CMETA },
    { "respond", W_COMMENTS | W_CPART },
    { "rgpd", W_CHROME },
    { "says", W_CPART | W_CMETA },
    { "share", W_CHROME | W_CPART | W_CMETA },
    { "sharing", W_CHROME },
    { "shopping", W_NEGATIVE },
    { "sidebar", W_CHROME },
    { "signaler", W_CPART | W_CMETA },
    { "signature", W_CHROME | W_BYLINE },
    { "similar", W_CHROME },
    { "skip", W_CHROME },
    { "skyscraper", W_CHROME },
    { "slider", W_NEGATIVE },
    { "slideshow", W_NEGATIVE },
    { "social", W_CHROME },
    { "sociaux", W_CHROME },
    { "sponsor", W_CHROME },
    { "sponsored", W_CHROME },
    { "standfirst", W_POSITIVE },
    { "story", W_POSITIVE },
    { "subscribe", W_CHROME },
    { "subscription", W_CHROME },
    { "taboola", W_CHROME },
    { "tag", W_CHROME },
    { "tags", W_CHROME },
    { "teaser", W_NEGATIVE },
    { "text", W_POSITIVE | W_CPART },
    { "texte", W_POSITIVE | W_CPART },
    { "time", W_CPART | W_CMETA },
    { "title", W_CPART },
    { "toolbar", W_CHROME },
    { "tools", W_CHROME | W_CPART | W_CMETA },
    { "topbar", W_CHROME },
    { "trending", W_CHROME },
    { "updated", W_CHROME },
    { "user", W_CPART | W_CMETA },
    { "username", W_CPART | W_CMETA },
    { "utility", W_NEGATIVE },
    { "voir", W_CHROME },
    { "vote", W_CPART | W_CMETA },
    { "votes", W_CPART | W_CMETA },
    { "widget", W_NEGATIVE },
    { "wrapper", W_CPART },
    { "zone", W_CPART },
};

/* Stems that mark a word wherever they stand in it ("relatedposts",
** "sharebar", "lireaussi"), for the words glued together. */
static const struct {
    const char *stem;
    int flags;
} class_stems[] = {
    { "breadcrumb", W_CHROME | W_CRUMB },
    { "comment", W_COMMENTS },
    { "cookie", W_CHROME },
    { "lireaussi", W_CHROME },
    { "navbar", W_CHROME },
    { "newsletter", W_CHROME },
    { "outbrain", W_CHROME },
    { "related", W_CHROME },
    { "sharebar", W_CHROME },
    { "sidebar", W_CHROME },
    { "social", W_CHROME },
    { "sponsor", W_CHROME },
    { "taboola", W_CHROME },
    { "voiraussi", W_CHROME },
};

/* The W_* flags of one lowercased word. */
static int word_flags(const char *w, size_t n)
{
    size_t lo = 0, hi = sizeof class_words / sizeof class_words[0], i;
    int flags = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = class_words[mid].word;
        size_t kn = strlen(k);
        int c = memcmp(w, k, n < kn ? n : kn);
        if (c == 0) {
            c = n < kn ? -1 : n > kn ? 1 : 0;
        }
        if (c == 0) {
            return class_words[mid].flags;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if (n < 6) {
        return 0;
    }
    for (i = 0; i < sizeof class_stems / sizeof class_stems[0]; i++) {
        size_t kn = strlen(class_stems[i].stem), j;
        for (j = 0; j + kn <= n; j++) {
            if (memcmp(w + j, class_stems[i].stem, kn) == 0) {
                flags |= class_stems[i].flags;
                break;
            }
        }
    }
    return flags;
}

/* The W_* flags of the words of a class or id value. */
static int words_flags(const char *s, size_t n)
{
    char w[32];
    size_t i = 0, k;
    int flags = 0;
    while (i < n) {
        k = 0;
        while (i < n && !is_alnum(s[i])) {
            i++;
        }
        while (i < n && is_alnum(s[i])) {
            if (k > 0 && s[i] >= 'A' && s[i] <= 'Z' && s[i - 1] >= 'a' &&
                s[i - 1] <= 'z') {
                break; /* camelCase */
            }
            if (k < sizeof w) {
                w[k] = fouine_html_lower(s[i]);
            }
            k++;
            i++;
        }
        if (k > 0 && k <= sizeof w) {
            flags |= word_flags(w, k);
        }
    }
    return flags;
}

/* The W_* flags of an element's class and id. */
static int element_words(const fouine_html_tree *t, size_t i)
{
    size_t n = 0;
    const char *v;
    int flags = 0;
    v = fouine_html_attr(t, i, FOUINE_ATTR_CLASS, &n);
    if (v) {
        flags |= words_flags(v, n);
    }
    v = fouine_html_attr(t, i, FOUINE_ATTR_ID, &n);
    if (v) {
        flags |= words_flags(v, n);
    }
    return flags;
}

/* Whether an element is marked as the text of the article
** (itemprop="articleBody"). */
static int is_article_body(const fouine_html_tree *t, size_t i)
{
    size_t n = 0;
    const char *v = fouine_html_attr(t, i, FOUINE_ATTR_ITEMPROP, &n);
    return v && fouine_html_same_word(v, n, "articlebody");
}

/* Scoring weight of an element's class and id: +25 for a content word,
** -25 for a chrome word, for each of the two. */
static int16_t class_weight(const fouine_html_tree *t, size_t i)
{
    static const fouine_attr_key keys[2] = { FOUINE_ATTR_CLASS,
                                             FOUINE_ATTR_ID };
    size_t k, n = 0;
    int w = 0;
    for (k = 0; k < 2; k++) {
        const char *v = fouine_html_attr(t, i, keys[k], &n);
        int f;
        if (!v) {
            continue;
        }
        f = words_flags(v, n);
        if (f & (W_NEGATIVE | W_CHROME | W_COMMENTS)) {
            w -= 25;
        }
        if (f & W_POSITIVE) {
            w += 25;
        }
    }
    if (is_article_body(t, i)) {
        w += 25;
    }
    return (int16_t)w;
}

/*
** Tags.
*/

#define P_BLOCK   0x01 /* ends a paragraph */
#define P_DROP    0x02 /* never article text */
#define P_HEADING 0x04 /* <h1> to <h6> */
#define P_EMBED   0x08 /* a player or a frame */
#define P_INPUT   0x10 /* a form control */
#define P_CLEAN   0x20 /* a block the cleaning may remove */

/* Properties of each fouine_tag. */
static const unsigned char tag_props[FOUINE_TAG_COUNT] = {
    [FOUINE_TAG_ADDRESS] = P_BLOCK,
    [FOUINE_TAG_ARTICLE] = P_BLOCK,
    [FOUINE_TAG_ASIDE] = P_BLOCK | P_DROP,
    [FOUINE_TAG_AUDIO] = P_DROP | P_EMBED,
    [FOUINE_TAG_BLOCKQUOTE] = P_BLOCK,
    [FOUINE_TAG_BODY] = P_BLOCK,
    [FOUINE_TAG_BUTTON] = P_DROP | P_INPUT,
    [FOUINE_TAG_CANVAS] = P_DROP,
    [FOUINE_TAG_CAPTION] = P_BLOCK,
    [FOUINE_TAG_CENTER] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_DD] = P_BLOCK,
    [FOUINE_TAG_DETAILS] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_DIALOG] = P_BLOCK | P_DROP,
    [FOUINE_TAG_DIV] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_DL] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_DT] = P_BLOCK,
    [FOUINE_TAG_EMBED] = P_DROP | P_EMBED,
    [FOUINE_TAG_FIELDSET] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_FIGCAPTION] = P_BLOCK | P_DROP,
    [FOUINE_TAG_FIGURE] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_FOOTER] = P_BLOCK | P_DROP,
    [FOUINE_TAG_FORM] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_H1] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_H2] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_H3] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_H4] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_H5] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_H6] = P_BLOCK | P_HEADING,
    [FOUINE_TAG_HEAD] = P_BLOCK | P_DROP,
    [FOUINE_TAG_HEADER] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_HGROUP] = P_BLOCK,
    [FOUINE_TAG_HR] = P_BLOCK,
    [FOUINE_TAG_HTML] = P_BLOCK,
    [FOUINE_TAG_IFRAME] = P_BLOCK | P_DROP | P_EMBED,
    [FOUINE_TAG_IMG] = P_DROP,
    [FOUINE_TAG_INPUT] = P_DROP | P_INPUT,
    [FOUINE_TAG_LABEL] = P_DROP,
    [FOUINE_TAG_LEGEND] = P_BLOCK,
    [FOUINE_TAG_LI] = P_BLOCK,
    [FOUINE_TAG_MAIN] = P_BLOCK,
    [FOUINE_TAG_MATH] = P_DROP,
    [FOUINE_TAG_MENU] = P_BLOCK | P_DROP,
    [FOUINE_TAG_NAV] = P_BLOCK | P_DROP,
    [FOUINE_TAG_NOSCRIPT] = P_DROP,
    [FOUINE_TAG_OBJECT] = P_DROP | P_EMBED,
    [FOUINE_TAG_OL] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_OPTION] = P_BLOCK | P_DROP,
    [FOUINE_TAG_P] = P_BLOCK,
    [FOUINE_TAG_PICTURE] = P_DROP,
    [FOUINE_TAG_PRE] = P_BLOCK,
    [FOUINE_TAG_SCRIPT] = P_DROP,
    [FOUINE_TAG_SECTION] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_SELECT] = P_BLOCK | P_DROP | P_INPUT,
    [FOUINE_TAG_STYLE] = P_DROP,
    [FOUINE_TAG_SUMMARY] = P_BLOCK,
    [FOUINE_TAG_SVG] = P_DROP,
    [FOUINE_TAG_TABLE] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_TBODY] = P_BLOCK,
    [FOUINE_TAG_TD] = P_BLOCK,
    [FOUINE_TAG_TEMPLATE] = P_DROP,
    [FOUINE_TAG_TEXTAREA] = P_BLOCK | P_DROP | P_INPUT,
    [FOUINE_TAG_TFOOT] = P_BLOCK,
    [FOUINE_TAG_TH] = P_BLOCK,
    [FOUINE_TAG_THEAD] = P_BLOCK,
    [FOUINE_TAG_TITLE] = P_BLOCK | P_DROP,
    [FOUINE_TAG_TR] = P_BLOCK,
    [FOUINE_TAG_UL] = P_BLOCK | P_CLEAN,
    [FOUINE_TAG_VIDEO] = P_DROP | P_EMBED,
};

/* The P_* properties of node i's tag. */
static int props(const fouine_html_tree *t, size_t i)
{
    return tag_props[t->nodes[i].tag];
}

/* ARIA roles of chrome. */
static int chrome_role(const char *v, size_t n)
{
    static const char *const roles[] = {
        "alertdialog", "banner",  "complementary", "contentinfo", "dialog",
        "menu",        "menubar", "navigation",    "search",      "toolbar"
    };
    size_t i;
    for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (fouine_html_same_word(v, n, roles[i])) {
            return 1;
        }
    }
    return 0;
}

/* Whether s[0..n) holds word, ASCII case ignored. */
static int contains(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word), i;
    for (i = 0; i + k <= n; i++) {
        if (fouine_html_same_word(s + i, k, word)) {
            return 1;
        }
    }
    return 0;
}

/* Whether an element is not shown: hidden, aria-hidden="true", or an
** inline style display:none or visibility:hidden. */
static int is_hidden(const fouine_html_tree *t, size_t i)
{
    size_t n = 0, j, o = 0;
    const char *v;
    char style[64];
    if (fouine_html_attr(t, i, FOUINE_ATTR_HIDDEN, NULL)) {
        return 1;
    }
    v = fouine_html_attr(t, i, FOUINE_ATTR_ARIA_HIDDEN, &n);
    if (v && fouine_html_same_word(v, n, "true")) {
        return 1;
    }
    v = fouine_html_attr(t, i, FOUINE_ATTR_STYLE, &n);
    if (!v) {
        return 0;
    }
    /* The style without blanks, lowercased; only its start is read. */
    for (j = 0; j < n && o + 1 < sizeof style; j++) {
        if (!fouine_html_space(v[j])) {
            style[o++] = fouine_html_lower(v[j]);
        }
    }
    return contains(style, o, "display:none") ||
           contains(style, o, "visibility:hidden");
}

/* The nearest block ancestor of node i (i itself excluded), or NONE. */
static uint32_t block_above(const fouine_html_tree *t, size_t i)
{
    uint32_t p = t->nodes[i].parent;
    while (p != FOUINE_HTML_NONE && !(tag_props[t->nodes[p].tag] & P_BLOCK)) {
        p = t->nodes[p].parent;
    }
    return p;
}

/* Whether the subtree of element i holds an element of tag. */
static int holds_tag(const fouine_html_tree *t, size_t i, int tag)
{
    size_t j;
    for (j = i + 1; j < t->nodes[i].end; j++) {
        if (t->nodes[j].tag == tag) {
            return 1;
        }
    }
    return 0;
}

/* Mark node i and its ancestors as holding the content. */
static void protect(page *pg, size_t i)
{
    uint32_t p = (uint32_t)i;
    while (p != FOUINE_HTML_NONE && !(pg->st[p].flags & N_PROTECT)) {
        pg->st[p].flags |= N_PROTECT;
        p = pg->t->nodes[p].parent;
    }
}

/*
** Set the flags that do not change between attempts: what is never text
** (N_DROP), chrome by its words (N_HINT), comment sections (N_COMMENTS,
** N_INCOMM), the content's ancestors (N_PROTECT), N_HASBLOCK, N_IN_MAIN,
** and the counts of images, embeds, form controls and list items.
*/
static void mark_nodes(page *pg)
{
    const fouine_html_tree *t = pg->t;
    size_t i, n = 0;
    const char *v;

    for (i = 0; i < t->nnodes; i++) {
        const fouine_html_node *node = &t->nodes[i];
        nstat *s = &pg->st[i];
        int tag = node->tag, pr = tag_props[tag];
        if (tag == FOUINE_TAG_TEXT) {
            continue;
        }
        if (node->parent != FOUINE_HTML_NONE) {
            s->flags |= pg->st[node->parent].flags & N_IN_MAIN;
            if (pr & P_BLOCK) {
                uint32_t b = block_above(t, i);
                if (b != FOUINE_HTML_NONE) {
                    pg->st[b].flags |= N_HASBLOCK;
                }
            }
        }
        s->imgs = tag == FOUINE_TAG_IMG;
        s->embeds = (pr & P_EMBED) != 0;
        s->inputs = (pr & P_INPUT) != 0;
        s->lis = tag == FOUINE_TAG_LI;
        if (pr & P_DROP || is_hidden(t, i)) {
            s->flags |= N_DROP;
        }
        if (tag == FOUINE_TAG_HEADER && !(s->flags & N_IN_MAIN)) {
            s->flags |= N_DROP; /* the site's header, not the article's */
        }
        v = fouine_html_attr(t, i, FOUINE_ATTR_ROLE, &n);
        if (v && chrome_role(v, n)) {
            s->flags |= N_DROP;
        }
        if (tag == FOUINE_TAG_MAIN || is_article_body(t, i) ||
            (v && fouine_html_same_word(v, n, "main"))) {
            protect(pg, i);
        }
        if (tag == FOUINE_TAG_ARTICLE || tag == FOUINE_TAG_MAIN) {
            s->flags |= N_IN_MAIN;
        }
        s->weight = class_weight(t, i);
    }
    /* Words: once the content's ancestors are known. */
    for (i = 0; i < t->nnodes; i++) {
        const fouine_html_node *node = &t->nodes[i];
        nstat *s = &pg->st[i];
        int tag = node->tag, words;
        if (tag == FOUINE_TAG_TEXT) {
            continue;
        }
        if (node->parent != FOUINE_HTML_NONE) {
            s->flags |= pg->st[node->parent].flags & N_INCOMM;
        }
        words = element_words(t, i);
        s->words = (uint16_t)words;
        if (words & W_POSITIVE) {
            s->flags |= N_POSITIVE;
        }
        if (!words || (s->flags & (N_PROTECT | N_POSITIVE)) ||
            tag == FOUINE_TAG_HTML || tag == FOUINE_TAG_BODY ||
            tag == FOUINE_TAG_MAIN) {
            continue;
        }
        if ((words & W_COMMENTS) && !(s->flags & N_INCOMM)) {
            /* Comments have no <h1>: a wrapper of the page that holds one
            ** ("page comments-open") is a layout. */
            if (!holds_tag(t, i, FOUINE_TAG_H1)) {
                s->flags |= N_COMMENTS | N_INCOMM;
            }
        } else if ((words & W_CHROME) && tag != FOUINE_TAG_ARTICLE) {
            /* Inline chrome inside a paragraph ("<span class=date>") is
            ** part of its sentence. */
            uint32_t b = block_above(t, i);
            if ((tag_props[tag] & P_BLOCK) || b == FOUINE_HTML_NONE ||
                (t->nodes[b].tag != FOUINE_TAG_P &&
                 !(tag_props[t->nodes[b].tag] & P_HEADING))) {
                s->flags |= N_HINT;
            }
        }
    }
    /* Counts of the subtrees: children come after their parents. */
    for (i = t->nnodes; i-- > 1;) {
        uint32_t p = t->nodes[i].parent;
        if (p != FOUINE_HTML_NONE) {
            pg->st[p].imgs += pg->st[i].imgs;
            pg->st[p].embeds += pg->st[i].embeds;
            pg->st[p].inputs += pg->st[i].inputs;
            pg->st[p].lis += pg->st[i].lis;
        }
    }
}

/*
** Paragraphs.
*/

/* The paragraph being built by a walk. */
typedef struct walk {
    segs *out; /* where paragraphs go; not owned */
    seg cur;   /* the open paragraph (cur.len == 0: none) */
    int space; /* white space is pending */
} walk;

/* Start a new paragraph owned by block b. */
static void walk_open(walk *w, uint32_t b)
{
    memset(&w->cur, 0, sizeof w->cur);
    w->cur.node = FOUINE_HTML_NONE;
    w->cur.block = b;
    w->cur.off = (uint32_t)w->out->text.len;
    w->space = 0;
}

/* End the open paragraph: keep it when it holds a visible character. */
static void walk_flush(walk *w, uint32_t next_block)
{
    segs *o = w->out;
    seg *c = &w->cur;
    size_t k;
    if (c->len > 0 && !o->text.failed) {
        const char *s = o->text.data + c->off;
        /* Non-breaking spaces at either end are not text. */
        while (c->len > 0 && (k = wide_space(s, c->len)) > 0) {
            s += k;
            c->off += (uint32_t)k;
            c->len -= (uint32_t)k;
        }
        while (c->len > 0) {
            if (c->len >= 2 && wide_space(s + c->len - 2, 2) == 2) {
                c->len -= 2;
            } else if (c->len >= 3 && wide_space(s + c->len - 3, 3) == 3) {
                c->len -= 3;
            } else if (s[c->len - 1] == ' ') {
                c->len--;
            } else {
                break;
            }
        }
    }
    if (c->len > 0 && c->chars > 0 && !o->text.failed) {
        if (o->n == o->cap) {
            size_t cap = o->cap ? o->cap * 2 : 64;
            seg *p = fouine_realloc(o->v, cap * sizeof *p);
            if (!p) {
                o->failed = 1;
                return;
            }
            o->v = p;
            o->cap = cap;
        }
        o->v[o->n++] = *c;
    } else {
        o->text.len = c->off; /* nothing kept */
    }
    walk_open(w, next_block);
}

/* Add the text of text node i to the open paragraph. */
static void walk_text(walk *w, const fouine_html_tree *t, size_t i, int link)
{
    const char *s = t->text.data + t->nodes[i].off;
    size_t n = t->nodes[i].len, p = 0, q, k;
    seg *c = &w->cur;
    while (p < n) {
        uint32_t chars = 0, commas = 0;
        if (fouine_html_space(s[p])) {
            w->space = 1;
            p++;
            continue;
        }
        for (q = p; q < n && !fouine_html_space(s[q]); q++) {
            unsigned char b = (unsigned char)s[q];
            if ((b & 0xC0) != 0x80 &&
                !(b == 0xC2 && q + 1 < n && (unsigned char)s[q + 1] == 0xA0)) {
                chars++;
            }
            commas += b == ',';
        }
        if (w->space && c->len > 0) {
            fouine_buf_append(&w->out->text, " ", 1);
            c->len++;
        }
        w->space = 0;
        if (c->node == FOUINE_HTML_NONE) {
            c->node = (uint32_t)i;
        }
        k = q - p;
        fouine_buf_append(&w->out->text, s + p, k);
        c->len += (uint32_t)k;
        c->chars += chars;
        c->commas += commas;
        if (link) {
            c->links += chars;
        }
        p = q;
    }
}

/*
** Cut the subtree of root (the whole page when root is NONE) into
** paragraphs, appended to out.  Elements whose flags meet mask are left
** out with their subtrees (root itself is not tested).
*/
static void segment(page *pg, segs *out, uint32_t root, uint16_t mask)
{
    const fouine_html_tree *t = pg->t;
    uint32_t blocks[FOUINE_HTML_MAX_DEPTH + 2];
    size_t nb = 0, i, from = 0, to = t->nnodes, link_end = 0;
    walk w;

    w.out = out;
    if (root != FOUINE_HTML_NONE) {
        from = root + 1;
        to = t->nodes[root].end;
        blocks[nb++] = (props(t, root) & P_BLOCK) ? root : block_above(t, root);
    } else {
        blocks[nb++] = FOUINE_HTML_NONE;
    }
    walk_open(&w, blocks[0]);
    for (i = from; i < to && !out->failed;) {
        const fouine_html_node *node = &t->nodes[i];
        int pr;
        while (nb > 1 && t->nodes[blocks[nb - 1]].end <= i) {
            nb--;
            walk_flush(&w, blocks[nb - 1]);
        }
        if (node->tag == FOUINE_TAG_TEXT) {
            walk_text(&w, t, i, i < link_end);
            i++;
            continue;
        }
        pr = tag_props[node->tag];
        if (pg->st[i].flags & mask) {
            if (pr & P_BLOCK) {
                walk_flush(&w, blocks[nb - 1]);
            }
            i = node->end;
            continue;
        }
        if (node->tag == FOUINE_TAG_BR || node->tag == FOUINE_TAG_HR) {
            walk_flush(&w, blocks[nb - 1]);
        } else if ((pr & P_BLOCK) && nb < sizeof blocks / sizeof blocks[0]) {
            walk_flush(&w, (uint32_t)i);
            blocks[nb++] = (uint32_t)i;
        } else if (node->tag == FOUINE_TAG_A && node->end > link_end) {
            link_end = node->end;
        }
        i++;
    }
    walk_flush(&w, FOUINE_HTML_NONE);
    if (out->text.failed) {
        out->failed = 1;
    }
}

/* Empty the paragraphs of a walk, keeping their memory. */
static void segs_reset(segs *s)
{
    s->n = 0;
    s->text.len = 0;
    s->nout = 0;
    s->top = FOUINE_HTML_NONE;
    s->chars = 0;
}

/* Release the paragraphs of a walk and empty them. */
static void segs_free(segs *s)
{
    fouine_free(s->v);
    fouine_free(s->text.data);
    fouine_free(s->out);
    memset(s, 0, sizeof *s);
}

/* The text of a paragraph. */
static view seg_view(const segs *s, size_t k)
{
    view v;
    v.s = s->text.data + s->v[k].off;
    v.n = s->v[k].len;
    return v;
}

/* The first paragraph of s whose first node is at or after node. */
static size_t seg_lower(const segs *s, uint32_t node)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].node < node) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/*
** Scoring: the element that holds the article.
*/

/* The score an element starts from, for its tag (readability's). */
static float tag_weight(int tag)
{
    switch (tag) {
    case FOUINE_TAG_ARTICLE:
    case FOUINE_TAG_MAIN:
        return 10;
    case FOUINE_TAG_DIV:
        return 5;
    case FOUINE_TAG_PRE:
    case FOUINE_TAG_TD:
    case FOUINE_TAG_BLOCKQUOTE:
        return 3;
    case FOUINE_TAG_ADDRESS:
    case FOUINE_TAG_OL:
    case FOUINE_TAG_UL:
    case FOUINE_TAG_DL:
    case FOUINE_TAG_DD:
    case FOUINE_TAG_DT:
    case FOUINE_TAG_LI:
    case FOUINE_TAG_FORM:
        return -3;
    case FOUINE_TAG_H1:
    case FOUINE_TAG_H2:
    case FOUINE_TAG_H3:
    case FOUINE_TAG_H4:
    case FOUINE_TAG_H5:
    case FOUINE_TAG_H6:
    case FOUINE_TAG_TH:
        return -5;
    default:
        return 0;
    }
}

/* Share of an element's text inside links. */
static float link_density(const nstat *s)
{
    return s->chars ? (float)s->links / (float)s->chars : 0.0f;
}

/* Sum the paragraphs of an attempt into the elements that hold them. */
static void accumulate(page *pg, const segs *cur)
{
    const fouine_html_tree *t = pg->t;
    size_t i, k;
    for (i = 0; i < t->nnodes; i++) {
        nstat *s = &pg->st[i];
        s->chars = s->links = s->commas = s->paras = 0;
        s->score = 0;
        s->flags &= (uint16_t) ~(N_SCORED | N_CLEANED);
    }
    for (k = 0; k < cur->n; k++) {
        const seg *g = &cur->v[k];
        nstat *s;
        if (g->block == FOUINE_HTML_NONE) {
            continue;
        }
        s = &pg->st[g->block];
        s->chars += g->chars;
        s->links += g->links;
        s->commas += g->commas;
        s->paras += g->chars >= MIN_PARAGRAPH;
    }
    for (i = t->nnodes; i-- > 1;) {
        uint32_t p = t->nodes[i].parent;
        if (p != FOUINE_HTML_NONE) {
            pg->st[p].chars += pg->st[i].chars;
            pg->st[p].links += pg->st[i].links;
            pg->st[p].commas += pg->st[i].commas;
            pg->st[p].paras += pg->st[i].paras;
        }
    }
}

/* Give each paragraph's points to the element that holds it and to its
** ancestors, then scale every score by the text outside links. */
static void score(page *pg, const segs *cur, int weights)
{
    const fouine_html_tree *t = pg->t;
    size_t i, k;
    for (k = 0; k < cur->n; k++) {
        const seg *g = &cur->v[k];
        uint32_t node;
        float points;
        int level;
        if (g->chars < MIN_PARAGRAPH || g->block == FOUINE_HTML_NONE ||
            (props(t, g->block) & P_HEADING)) {
            continue;
        }
        /* A paragraph element scores for its container; a container
        ** holding loose text (between <br>) scores itself. */
        node = (pg->st[g->block].flags & N_HASBLOCK) ?
                   g->block :
                   t->nodes[g->block].parent;
        points = 1.0f + (float)g->commas +
                 (float)(g->chars / 100 < 3 ? g->chars / 100 : 3);
        for (level = 0; level < 5 && node != FOUINE_HTML_NONE; level++) {
            nstat *s = &pg->st[node];
            if (!(s->flags & N_SCORED)) {
                s->flags |= N_SCORED;
                s->score = tag_weight(t->nodes[node].tag) +
                           (weights ? (float)s->weight : 0.0f);
            }
            s->score += points / (level == 0 ? 1.0f :
                                  level == 1 ? 2.0f :
                                               (float)level * 3.0f);
            node = t->nodes[node].parent;
        }
    }
    for (i = 0; i < t->nnodes; i++) {
        nstat *s = &pg->st[i];
        if (s->flags & N_SCORED) {
            s->score *= 1.0f - link_density(s);
        }
    }
}

/* Whether node a is node d or one of its ancestors. */
static int holds(const fouine_html_tree *t, uint32_t a, uint32_t d)
{
    return d >= a && d < t->nodes[a].end;
}

/* Whether node i has a content score in this attempt. */
static int scored(const page *pg, uint32_t i)
{
    return i != FOUINE_HTML_NONE && (pg->st[i].flags & N_SCORED);
}

/* The number of element children of node i, up to 2. */
static int element_children(const fouine_html_tree *t, uint32_t i)
{
    size_t j = (size_t)i + 1;
    int n = 0;
    while (j < t->nodes[i].end && n < 2) {
        n += t->nodes[j].tag != FOUINE_TAG_TEXT;
        j = t->nodes[j].end;
    }
    return n;
}

/* The element that holds the article, or NONE when no paragraph scored. */
static uint32_t choose(const page *pg)
{
    const fouine_html_tree *t = pg->t;
    uint32_t top = FOUINE_HTML_NONE, alt[5], p;
    size_t i, nalt = 0, k;
    float last, threshold;

    for (i = 0; i < t->nnodes; i++) {
        if (scored(pg, (uint32_t)i) &&
            (top == FOUINE_HTML_NONE || pg->st[i].score > pg->st[top].score)) {
            top = (uint32_t)i;
        }
    }
    if (top == FOUINE_HTML_NONE) {
        return top;
    }
    /* Other good candidates, in other branches (the best one's ancestors
    ** only echo its score): when three of them share an ancestor with the
    ** best one, the article is that ancestor. */
    for (i = 0; i < t->nnodes; i++) {
        if (!scored(pg, (uint32_t)i) ||
            pg->st[i].score < 0.75f * pg->st[top].score ||
            holds(t, top, (uint32_t)i) || holds(t, (uint32_t)i, top)) {
            continue;
        }
        if (nalt < 5) {
            alt[nalt++] = (uint32_t)i;
        }
    }
    if (nalt >= 3) {
        for (p = t->nodes[top].parent;
             p != FOUINE_HTML_NONE && t->nodes[p].tag != FOUINE_TAG_BODY;
             p = t->nodes[p].parent) {
            int in = 0;
            for (k = 0; k < nalt; k++) {
                in += holds(t, p, alt[k]);
            }
            if (in >= 3) {
                top = p;
                break;
            }
        }
    }
    /* An ancestor whose score grows holds more of the article. */
    last = pg->st[top].score;
    threshold = last / 3;
    for (p = t->nodes[top].parent;
         p != FOUINE_HTML_NONE && t->nodes[p].tag != FOUINE_TAG_BODY;
         p = t->nodes[p].parent) {
        if (!scored(pg, p)) {
            continue;
        }
        if (pg->st[p].score < threshold) {
            break;
        }
        if (pg->st[p].score > last) {
            top = p;
            break;
        }
        last = pg->st[p].score;
    }
    /* An only child stands for its parent. */
    while ((p = t->nodes[top].parent) != FOUINE_HTML_NONE &&
           t->nodes[p].tag != FOUINE_TAG_BODY &&
           t->nodes[p].tag != FOUINE_TAG_HTML && element_children(t, p) == 1) {
        top = p;
    }
    return top;
}

/* Whether a paragraph of element c ends a sentence: a '.' at its end or
** before a space. */
static int ends_sentence(const segs *cur, const fouine_html_tree *t, size_t c)
{
    size_t k, j;
    for (k = seg_lower(cur, (uint32_t)c);
         k < cur->n && cur->v[k].node < t->nodes[c].end; k++) {
        view v = seg_view(cur, k);
        for (j = 0; j < v.n; j++) {
            if (v.s[j] == '.' && (j + 1 == v.n || v.s[j + 1] == ' ')) {
                return 1;
            }
        }
    }
    return 0;
}

/* Whether a sibling c of the chosen element joins it. */
static int sibling_joins(const page *pg,
                         const segs *cur,
                         uint32_t top,
                         uint32_t c)
{
    const fouine_html_tree *t = pg->t;
    const nstat *s = &pg->st[c];
    float threshold = pg->st[top].score * 0.2f, bonus = 0;
    size_t n1 = 0, n2 = 0;
    const char *c1 = fouine_html_attr(t, top, FOUINE_ATTR_CLASS, &n1);
    const char *c2 = fouine_html_attr(t, c, FOUINE_ATTR_CLASS, &n2);
    if (threshold < 10) {
        threshold = 10;
    }
    if (c1 && c2 && n1 > 0 && n1 == n2 && memcmp(c1, c2, n1) == 0) {
        bonus = pg->st[top].score * 0.2f;
    }
    /* A block of teasers (titles as links, a line under each) scores too,
    ** but a continuation of the article has few links. */
    if (scored(pg, c) && s->score + bonus >= threshold &&
        link_density(s) < 0.25f) {
        return 1;
    }
    if (t->nodes[c].tag != FOUINE_TAG_P) {
        return 0;
    }
    if (s->chars > 80 && link_density(s) < 0.25f) {
        return 1;
    }
    return s->chars > 0 && s->chars <= 80 && s->links == 0 &&
           ends_sentence(cur, t, c);
}

/* Whether the cleaning removes element e from the article (readability's
** conditional cleaning); main is the characters of the article. */
static int cleaned_away(const page *pg, uint32_t e, int weights, size_t main)
{
    const fouine_html_tree *t = pg->t;
    const nstat *s = &pg->st[e];
    int tag = t->nodes[e].tag, list;
    int weight = weights ? s->weight : 0;
    float ld = link_density(s);
    uint32_t p = s->paras;

    if (!(tag_props[tag] & P_CLEAN) || (size_t)s->chars * 2 > main) {
        return 0; /* not a block of that kind, or most of the article */
    }
    if (weight < 0) {
        return 1;
    }
    if (s->commas >= 10) {
        return 0;
    }
    list = tag == FOUINE_TAG_UL || tag == FOUINE_TAG_OL;
    return (s->imgs > 1 && p * 2 < s->imgs && tag != FOUINE_TAG_FIGURE) ||
           (!list && s->lis > p + 100) || (s->inputs > p / 3) ||
           (!list && s->chars < 25 && (s->imgs == 0 || s->imgs > 2) &&
            s->links > 0) ||
           (!list && weight < 25 && ld > 0.2f) || (weight >= 25 && ld > 0.5f) ||
           (s->embeds == 1 && s->chars < 75) || s->embeds > 1;
}

/* Mark what the cleaning removes inside root. */
static void clean(page *pg, uint32_t root, int weights)
{
    const fouine_html_tree *t = pg->t;
    size_t i = (size_t)root + 1, main = pg->st[root].chars;
    while (i < t->nodes[root].end) {
        if (t->nodes[i].tag != FOUINE_TAG_TEXT &&
            cleaned_away(pg, (uint32_t)i, weights, main)) {
            pg->st[i].flags |= N_CLEANED;
            i = t->nodes[i].end;
        } else {
            i++;
        }
    }
}

/* Lines that are the site's, not the article's. */
static const char *const boilerplate[] = {
    "a lire aussi",
    "a lire egalement",
    "a voir aussi",
    "a voir egalement",
    "abonnez-vous",
    "advertisement",
    "cet article est reserve",
    "deja abonne",
    "il vous reste",
    "inscrivez-vous",
    "la suite est reservee",
    "lire aussi",
    "lire egalement",
    "lire la suite",
    "newsletter",
    "partagez",
    "partager",
    "publicite",
    "read more",
    "sur le meme sujet",
    "suivez-nous",
    "voir aussi",
};

static int is_date_line(view v);

/* Whether a paragraph is kept in the article. */
static int keep_seg(const page *pg, const segs *cur, size_t k, uint32_t root)
{
    const fouine_html_tree *t = pg->t;
    const seg *g = &cur->v[k];
    view v = seg_view(cur, k);
    uint32_t p = t->nodes[g->node].parent;
    size_t i;
    int word = 0;

    for (; p != FOUINE_HTML_NONE && p != root; p = t->nodes[p].parent) {
        if (pg->st[p].flags & N_CLEANED) {
            return 0;
        }
    }
    if (g->block != FOUINE_HTML_NONE &&
        t->nodes[g->block].tag == FOUINE_TAG_H1) {
        return 0; /* the title */
    }
    if ((g->links * 2 > g->chars && g->chars < 160) ||
        g->links * 20 > g->chars * 17) {
        return 0; /* a link, or a line of links */
    }
    for (i = 0; i < sizeof boilerplate / sizeof boilerplate[0]; i++) {
        if (folded_prefix(v.s, v.n, boilerplate[i]) > 0 &&
            (g->chars < 100 || g->links * 10 > g->chars * 3)) {
            return 0;
        }
    }
    for (i = 0; i < v.n && !word; i++) {
        word = (unsigned char)v.s[i] >= 0x80 || is_alnum(v.s[i]);
    }
    return word && !is_date_line(v);
}

/* Add the kept paragraphs of root's subtree to the article. */
static void take(page *pg, segs *cur, uint32_t root)
{
    size_t k = root == FOUINE_HTML_NONE ? 0 : seg_lower(cur, root);
    size_t end = root == FOUINE_HTML_NONE ? SIZE_MAX : pg->t->nodes[root].end;
    for (; k < cur->n && cur->v[k].node < end && !cur->failed; k++) {
        if (!keep_seg(pg, cur, k, root)) {
            continue;
        }
        if (cur->nout == cur->capout) {
            size_t cap = cur->capout ? cur->capout * 2 : 32;
            uint32_t *p = fouine_realloc(cur->out, cap * sizeof *p);
            if (!p) {
                cur->failed = 1;
                return;
            }
            cur->out = p;
            cur->capout = cap;
        }
        cur->out[cur->nout++] = (uint32_t)k;
        cur->chars += cur->v[k].chars;
    }
}

/*
** One attempt: paragraphs, scores, the article's element and its
** siblings, cleaning, the paragraphs kept.  Level 0 applies every rule;
** level 1 keeps the chrome set apart by words, 2 also scores without class
** words, 3 also keeps what the cleaning removes.
*/
static void attempt(page *pg, segs *cur, int level)
{
    const fouine_html_tree *t = pg->t;
    uint16_t mask = N_DROP | N_COMMENTS | (level == 0 ? N_HINT : 0);
    int weights = level < 2, cleaning = level < 3;
    uint32_t top, parent;
    size_t j;

    segs_reset(cur);
    segment(pg, cur, FOUINE_HTML_NONE, mask);
    if (cur->failed) {
        return;
    }
    accumulate(pg, cur);
    score(pg, cur, weights);
    top = choose(pg);
    cur->top = top;
    if (top == FOUINE_HTML_NONE) {
        take(pg, cur, FOUINE_HTML_NONE);
        return;
    }
    parent = t->nodes[top].parent;
    if (parent == FOUINE_HTML_NONE) {
        if (cleaning) {
            clean(pg, top, weights);
        }
        take(pg, cur, top);
        return;
    }
    for (j = (size_t)parent + 1; j < t->nodes[parent].end;
         j = t->nodes[j].end) {
        uint32_t c = (uint32_t)j;
        if (t->nodes[c].tag == FOUINE_TAG_TEXT ||
            (c != top && !sibling_joins(pg, cur, top, c))) {
            continue;
        }
        if (cleaning) {
            clean(pg, c, weights);
        }
        take(pg, cur, c);
    }
}

/* Find the article's paragraphs: the first attempt that gives
** MIN_ARTICLE_CHARS characters, else the one that gives the most.  Returns
** the paragraphs kept (pg->a or pg->b); the other one is free for other
** walks.  NULL when out of memory. */
static segs *extract(page *pg, segs **scratch)
{
    segs *best = &pg->a, *cur = &pg->b, *swap;
    int level;
    attempt(pg, best, 0);
    for (level = 1;
         level < ATTEMPTS && !best->failed && best->chars < MIN_ARTICLE_CHARS;
         level++) {
        attempt(pg, cur, level);
        if (cur->failed) {
            best = cur;
            break;
        }
        if (cur->chars > best->chars) {
            swap = best;
            best = cur;
            cur = swap;
        }
    }
    *scratch = cur;
    return best->failed ? NULL : best;
}

/*
** Dates.
*/

/* Read n digits at s[*i] into *v; 0 when they are not there. */
static int digits(const char *s, size_t len, size_t *i, int n, int *v)
{
    int k;
    *v = 0;
    for (k = 0; k < n; k++) {
        if (*i >= len || !is_digit(s[*i])) {
            return 0;
        }
        *v = *v * 10 + (s[(*i)++] - '0');
    }
    return 1;
}

/*
** An ISO 8601 date as pages write it ("2018-04-18", "2018-04-18T09:26",
** "2018-04-18 09:26:00.000+0200", "...Z") in the form fouine stores:
** "2018-04-18", or "2018-04-18T09:26:00" with its offset ("+02:00", "Z")
** when there is one.  Returns FOUINE_OK or FOUINE_EINVAL.
*/
static FOUINE_WUR int iso_norm(char *out, size_t size, const char *s, size_t n)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, time = 0;
    char zone[32] = "", buf[128]; /* room for any ints: the compiler cannot
                                     see their ranges */
    size_t i = 0;
    while (n > 0 && fouine_html_space(s[n - 1])) {
        n--;
    }
    while (i < n && fouine_html_space(s[i])) {
        i++;
    }
    if (!digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &mo) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        y < 1800 || y > 2200) {
        return FOUINE_EINVAL;
    }
    if (i < n && (s[i] == 'T' || s[i] == ' ')) {
        i++;
        if (!digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' ||
            !digits(s, n, &i, 2, &mi) || h > 23 || mi > 59) {
            return FOUINE_EINVAL;
        }
        time = 1;
        if (i < n && s[i] == ':') {
            i++;
            if (!digits(s, n, &i, 2, &sec) || sec > 60) {
                return FOUINE_EINVAL;
            }
            if (sec == 60) {
                sec = 59;
            }
        }
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            for (i++; i < n && is_digit(s[i]); i++) {
            }
        }
        if (i < n && s[i] == 'Z') {
            memcpy(zone, "Z", 2);
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            char sign = s[i++];
            if (!digits(s, n, &i, 2, &zh)) {
                return FOUINE_EINVAL;
            }
            if (i < n && s[i] == ':') {
                i++;
            }
            if (i < n && !digits(s, n, &i, 2, &zm)) {
                return FOUINE_EINVAL;
            }
            if (zh > 14 || zm > 59) {
                return FOUINE_EINVAL;
            }
            snprintf(zone, sizeof zone, "%c%02d:%02d", sign, zh, zm);
        }
    }
    if (i != n) {
        return FOUINE_EINVAL;
    }
    if (time) {
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d,
                 h, mi, sec, zone);
    } else {
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
    }
    if (strlen(buf) >= size) {
        return FOUINE_EINVAL;
    }
    memcpy(out, buf, strlen(buf) + 1);
    return FOUINE_OK;
}

/* A date value of the page in ISO 8601: ISO already, or French ("18 avril
** 2018 à 09h26", fouine_date_parse()). */
static FOUINE_WUR int any_date(char *out, size_t size, const char *s, size_t n)
{
    if (iso_norm(out, size, s, n) == FOUINE_OK) {
        return FOUINE_OK;
    }
    return fouine_date_parse(out, size, s, n);
}

/* Read 1 to max digits at s[*i] into *v; 0 when there are none. */
static int some_digits(const char *s, size_t n, size_t *i, int max, int *v)
{
    int k = 0;
    *v = 0;
    while (*i < n && k < max && is_digit(s[*i])) {
        *v = *v * 10 + (s[(*i)++] - '0');
        k++;
    }
    return k > 0;
}

/*
** A date written with numbers at s[i], as French pages print it:
** "12/03/2021", "12/03/2021 à 10h15", "12/03/2021 10:15" (the time may
** follow "à", "a", "-" or ",").  Returns 1 with the date in out and, in
** *end, the offset just past it; or 0.
*/
static int numeric_date(char *out,
                        size_t size,
                        size_t *end,
                        const char *s,
                        size_t n,
                        size_t i)
{
    int d, mo, y, h = -1, mi = 0;
    size_t j, k;
    char buf[64];
    if (!some_digits(s, n, &i, 2, &d) || i >= n || s[i++] != '/' ||
        !some_digits(s, n, &i, 2, &mo) || i >= n || s[i++] != '/' ||
        !digits(s, n, &i, 4, &y) || (i < n && is_digit(s[i])) || d < 1 ||
        d > 31 || mo < 1 || mo > 12 || y < 1800 || y > 2200) {
        return 0;
    }
    *end = i;
    /* An optional time: blanks, "à", "a", "-" or ",", blanks, 10h15. */
    j = i;
    while (j < n && (fouine_html_space(s[j]) || wide_space(s + j, n - j))) {
        j += fouine_html_space(s[j]) ? 1 : wide_space(s + j, n - j);
    }
    if (n - j >= 2 && (unsigned char)s[j] == 0xC3 &&
        (unsigned char)s[j + 1] == 0xA0) {
        j += 2;
    } else if (j < n && (s[j] == 'a' || s[j] == '-' || s[j] == ',')) {
        j++;
    }
    while (j < n && (fouine_html_space(s[j]) || wide_space(s + j, n - j))) {
        j += fouine_html_space(s[j]) ? 1 : wide_space(s + j, n - j);
    }
    k = j;
    if (some_digits(s, n, &k, 2, &h) && k < n &&
        (s[k] == 'h' || s[k] == 'H' || s[k] == ':')) {
        k++;
        if (!some_digits(s, n, &k, 2, &mi)) {
            mi = 0; /* "à 9h" */
        }
        if (h <= 23 && mi <= 59) {
            *end = k;
        } else {
            h = -1;
        }
    } else {
        h = -1;
    }
    if (h >= 0) {
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00", y, mo, d, h,
                 mi);
    } else {
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
    }
    if (strlen(buf) >= size) {
        return 0;
    }
    memcpy(out, buf, strlen(buf) + 1);
    return 1;
}

/*
** The first French date in a text ("publié le jeudi 5 octobre 2017 à
** 09h30", "Le 1er mai 2019"): at each number that starts a word, the next
** five or three words are given to fouine_date_parse(), with non-breaking
** spaces read as spaces and the punctuation that ends a word left out; or
** a date written with numbers ("12/03/2021 à 10h15").  Returns 1 with the
** date in out and, in *end, the offset in s just past its last word; or 0.
*/
static int french_date_in(char *out,
                          size_t size,
                          size_t *end,
                          const char *s,
                          size_t n)
{
    size_t i, j, k, b, ends[5], stops[5];
    char buf[80];
    int words, w;
    for (i = 0; i < n; i++) {
        if (!is_digit(s[i]) || (i > 0 && is_alnum(s[i - 1]))) {
            continue;
        }
        b = 0;
        words = 0;
        j = i;
        while (j < n && words < 5 && b + 1 < sizeof buf) {
            size_t start = b;
            while (j < n && !fouine_html_space(s[j]) &&
                   !wide_space(s + j, n - j) && b + 1 < sizeof buf) {
                buf[b++] = s[j++];
            }
            stops[words] = j;
            while (b > start && (buf[b - 1] == ',' || buf[b - 1] == '.' ||
                                 buf[b - 1] == ';' || buf[b - 1] == ')')) {
                b--;
                stops[words]--;
            }
            ends[words++] = b;
            while (j < n && (fouine_html_space(s[j]) ||
                             (k = wide_space(s + j, n - j)) > 0)) {
                j += fouine_html_space(s[j]) ? 1 : k;
            }
            if (b + 1 < sizeof buf) {
                buf[b++] = ' ';
            }
        }
        for (w = 5; w >= 3; w -= 2) {
            if (words >= w &&
                fouine_date_parse(out, size, buf, ends[w - 1]) == FOUINE_OK) {
                *end = stops[w - 1];
                return 1;
            }
        }
        if (numeric_date(out, size, end, s, n, i)) {
            return 1;
        }
    }
    return 0;
}

/* Whether a paragraph is a date line ("Publié le 2 juin 2021", "Mis en
** ligne le 21 octobre 2008 à 07h15"): short, and ending with its date. */
static int is_date_line(view v)
{
    char d[DATE_SIZE];
    size_t end = 0;
    return v.n < 160 && french_date_in(d, sizeof d, &end, v.s, v.n) &&
           end == v.n;
}

/* Keep date c when there is none yet, or when it gives the time of the
** same day. */
static void consider_date(char *d, const char *c)
{
    size_t nd = strlen(d), nc = strlen(c);
    if (nd == 0 || (nd == 10 && nc > 10 && memcmp(d, c, 10) == 0)) {
        memcpy(d, c, nc + 1);
    }
}

/* Consider the date value s[0..n) (NULL: none). */
static void consider_value(char *d, const char *s, size_t n)
{
    char c[DATE_SIZE];
    if (s && any_date(c, sizeof c, s, n) == FOUINE_OK) {
        consider_date(d, c);
    }
}

/*
** Metadata.
*/

/* Set a view when it is empty and s is not. */
static void set_view(view *slot, const char *s, size_t n)
{
    if (!s) {
        return;
    }
    while (n > 0 && fouine_html_space(*s)) {
        s++;
        n--;
    }
    if (!slot->s && s && n > 0) {
        slot->s = s;
        slot->n = n;
    }
}

/* A <meta> element: its property, name or itemprop, and its content. */
static void read_meta_tag(page *pg, size_t i)
{
    static const fouine_attr_key keys[3] = { FOUINE_ATTR_PROPERTY,
                                             FOUINE_ATTR_NAME,
                                             FOUINE_ATTR_ITEMPROP };
    meta *m = &pg->m;
    const struct {
        const char *key;
        view *slot;
    } slots[] = {
        { "og:title", &m->og_title },
        { "og:url", &m->og_url },
        { "og:description", &m->og_description },
        { "og:site_name", &m->og_site_name },
        { "application-name", &m->app_name },
        { "description", &m->description },
        { "article:published_time", &m->pub_time },
        { "og:article:published_time", &m->pub_time },
        { "article:published", &m->pub_time },
        { "datepublished", &m->md_date },
        { "pubdate", &m->date_meta },
        { "publishdate", &m->date_meta },
        { "publish-date", &m->date_meta },
        { "publish_date", &m->date_meta },
        { "publication_date", &m->date_meta },
        { "date", &m->date_meta },
        { "dc.date", &m->date_meta },
        { "dc.date.issued", &m->date_meta },
        { "dcterms.date", &m->date_meta },
        { "dcterms.issued", &m->date_meta },
        { "dcterms.created", &m->date_meta },
        { "sailthru.date", &m->date_meta },
        { "parsely-pub-date", &m->date_meta },
        { "article:section", &m->section },
        { "articlesection", &m->md_section },
        { "section", &m->section_meta },
        { "article-section", &m->section_meta },
        { "category", &m->section_meta },
        { "parsely-section", &m->section_meta },
        { "author", &m->author_meta },
        { "dc.creator", &m->author_meta },
        { "parsely-author", &m->author_meta },
        { "sailthru.author", &m->author_meta },
        { "article:author", &m->article_author },
    };
    size_t n = 0, kn = 0, k, j;
    const char *content = fouine_html_attr(pg->t, i, FOUINE_ATTR_CONTENT, &n);
    if (!content) {
        return;
    }
    for (k = 0; k < 3; k++) {
        const char *key = fouine_html_attr(pg->t, i, keys[k], &kn);
        for (j = 0; key && j < sizeof slots / sizeof slots[0]; j++) {
            if (fouine_html_same_word(key, kn, slots[j].key)) {
                set_view(slots[j].slot, content, n);
                break;
            }
        }
    }
}

/* Replace *slot (owned) by a normalized copy of s, when *slot is NULL. */
static void set_str(page *pg, char **slot, const char *s, size_t n)
{
    if (*slot || !s) {
        return;
    }
    if (norm_dup(slot, s, n) != FOUINE_OK) {
        pg->nomem = 1;
    }
}

/* The string value of a JSON member, or NULL. */
static const char *json_str(const json_t *obj, const char *key, size_t *n)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        return NULL;
    }
    *n = json_string_length(v);
    return json_string_value(v);
}

/* Whether a JSON-LD @type (a string or a list of strings) names type, or
** any type ending in "Article" when type is NULL. */
static int ld_type(const json_t *obj, const char *type)
{
    const json_t *t = json_object_get(obj, "@type"), *v;
    size_t i, n = 1;
    for (i = 0; i < n; i++) {
        const char *s, *slash;
        size_t len;
        v = t;
        if (json_is_array(t)) {
            n = json_array_size(t);
            v = json_array_get(t, i);
        }
        if (!json_is_string(v)) {
            continue;
        }
        s = json_string_value(v);
        /* "NewsArticle", "schema:NewsArticle", "http://schema.org/..." */
        slash = strrchr(s, '/');
        s = slash ? slash + 1 : s;
        slash = strrchr(s, ':');
        s = slash ? slash + 1 : s;
        len = strlen(s);
        if (type ? strcmp(s, type) == 0 :
                   (len >= 7 && strcmp(s + len - 7, "Article") == 0) ||
                       strcmp(s, "BlogPosting") == 0 ||
                       strcmp(s, "LiveBlogPosting") == 0 ||
                       strcmp(s, "Report") == 0) {
            return 1;
        }
    }
    return 0;
}

#define MAX_LD_AUTHORS 16 /* authors of a JSON-LD article read */

/* The object of a JSON-LD document whose "@id" is id and that has a
** "name" (followed MAX_JSON_DEPTH levels deep), or NULL. */
static json_t *ld_by_id(json_t *v, const char *id, int depth)
{
    json_t *e, *found = NULL;
    const char *key;
    size_t i;
    if (depth > MAX_JSON_DEPTH) {
        return NULL;
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
        {
            if ((found = ld_by_id(e, id, depth + 1)) != NULL) {
                return found;
            }
        }
    } else if (json_is_object(v)) {
        const char *vid = json_string_value(json_object_get(v, "@id"));
        if (vid && strcmp(vid, id) == 0 &&
            json_is_string(json_object_get(v, "name"))) {
            return v;
        }
        json_object_foreach(v, key, e)
        {
            if ((found = ld_by_id(e, id, depth + 1)) != NULL) {
                return found;
            }
        }
    }
    return NULL;
}

/* The name of a JSON-LD person or organization: a string, an object's
** "name", or the name of the object of the document its "@id" refers to
** (a @graph names each person once). */
static const char *ld_name(page *pg, json_t *v, size_t *n)
{
    const char *id;
    if (json_is_string(v)) {
        *n = json_string_length(v);
        return json_string_value(v);
    }
    if (!json_is_object(v)) {
        return NULL;
    }
    if (json_is_string(json_object_get(v, "name"))) {
        return json_str(v, "name", n);
    }
    id = json_string_value(json_object_get(v, "@id"));
    v = id && pg->ld_root ? ld_by_id(pg->ld_root, id, 0) : NULL;
    return v ? json_str(v, "name", n) : NULL;
}

/* The author(s) of a JSON-LD article, names joined by ", ". */
static void ld_authors(page *pg, json_t *a)
{
    fouine_buf *b = &pg->tmp;
    json_t *v;
    const char *name;
    size_t i, n = 0;
    b->len = 0;
    if (json_is_array(a)) {
        json_array_foreach(a, i, v)
        {
            name = i < MAX_LD_AUTHORS ? ld_name(pg, v, &n) : NULL;
            if (name && n > 0) {
                if (b->len > 0) {
                    fouine_buf_append(b, ", ", 2);
                }
                fouine_buf_append(b, name, n);
            }
        }
    } else if ((name = ld_name(pg, a, &n)) != NULL) {
        fouine_buf_append(b, name, n);
    }
    if (b->failed) {
        pg->nomem = 1;
    } else if (b->len > 0) {
        set_str(pg, &pg->m.ld_author, b->data, b->len);
    }
}

/* Fields of a JSON-LD article. */
static void ld_article(page *pg, json_t *obj)
{
    meta *m = &pg->m;
    const json_t *v;
    const char *s;
    size_t n = 0;
    m->ld_article = 1;
    s = json_str(obj, "headline", &n);
    if (!s) {
        s = json_str(obj, "name", &n);
    }
    set_str(pg, &m->ld_headline, s, n);
    s = json_str(obj, "datePublished", &n);
    if (!s) {
        s = json_str(obj, "dateCreated", &n);
    }
    set_str(pg, &m->ld_date, s, n);
    v = json_object_get(obj, "articleSection");
    if (json_is_array(v)) {
        v = json_array_get(v, 0);
    }
    if (json_is_string(v)) {
        set_str(pg, &m->ld_section, json_string_value(v),
                json_string_length(v));
    }
    ld_authors(pg, json_object_get(obj, "author"));
    s = json_str(obj, "url", &n);
    v = json_object_get(obj, "mainEntityOfPage");
    if (!s && json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (!s && json_is_object(v)) {
        s = json_str(v, "@id", &n);
        if (!s) {
            s = json_str(v, "url", &n);
        }
    }
    set_str(pg, &m->ld_url, s, n);
    s = json_str(obj, "description", &n);
    set_str(pg, &m->ld_description, s, n);
    s = ld_name(pg, json_object_get(obj, "publisher"), &n);
    set_str(pg, &m->ld_site, s, n);
}

/* Whether a breadcrumb item is the site's home: its name ("Accueil"), or
** a link to the root of a site. */
static int home_crumb(const char *name, size_t n, const char *url)
{
    static const char *const homes[] = { "accueil", "home", "a la une",
                                         "la une", "une" };
    size_t i;
    for (i = 0; i < sizeof homes / sizeof homes[0]; i++) {
        if (folded_prefix(name, n, homes[i]) == n) {
            return 1;
        }
    }
    if (url) {
        const char *p = strstr(url, "://");
        p = p ? strchr(p + 3, '/') : url;
        if (!p || strcmp(p, "/") == 0) {
            return 1;
        }
    }
    return 0;
}

/* The section of a JSON-LD BreadcrumbList: its first item after the
** home. */
static void ld_crumbs(page *pg, const json_t *obj)
{
    const json_t *list = json_object_get(obj, "itemListElement"), *v;
    size_t i, n = 0;
    json_array_foreach(list, i, v)
    {
        const json_t *item = json_object_get(v, "item");
        const char *name = json_str(v, "name", &n), *url = NULL;
        size_t un = 0;
        if (json_is_string(item)) {
            url = json_string_value(item);
        } else if (json_is_object(item)) {
            if (!name) {
                name = json_str(item, "name", &n);
            }
            url = json_str(item, "@id", &un);
        }
        if (name && n > 0 && !(i == 0 && home_crumb(name, n, url))) {
            set_str(pg, &pg->m.ld_crumb, name, n);
            return;
        }
    }
}

/* Walk a JSON-LD value: the first article object, the first breadcrumb
** list, the first site name; lists, "@graph" and nested objects are
** followed. */
static void ld_visit(page *pg, json_t *v, int depth)
{
    json_t *e;
    const char *key, *s;
    size_t i, n = 0;
    if (depth > MAX_JSON_DEPTH || pg->nomem) {
        return;
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
        {
            ld_visit(pg, e, depth + 1);
        }
        return;
    }
    if (!json_is_object(v)) {
        return;
    }
    if (ld_type(v, NULL)) {
        if (!pg->m.ld_article) {
            ld_article(pg, v);
        }
    } else if (ld_type(v, "BreadcrumbList")) {
        ld_crumbs(pg, v);
    } else if (ld_type(v, "WebSite") || ld_type(v, "Organization") ||
               ld_type(v, "NewsMediaOrganization")) {
        s = json_str(v, "name", &n);
        set_str(pg, &pg->m.ld_site, s, n);
    }
    json_object_foreach(v, key, e)
    {
        if (json_is_object(e) || json_is_array(e)) {
            ld_visit(pg, e, depth + 1);
        }
    }
}

/* A <script type="application/ld+json">: its text is the next node. */
static void read_json_ld(page *pg, size_t i)
{
    const fouine_html_tree *t = pg->t;
    json_error_t err;
    json_t *doc;
    if (i + 1 >= t->nnodes || t->nodes[i + 1].tag != FOUINE_TAG_TEXT ||
        t->nodes[i + 1].parent != i) {
        return;
    }
    /* JSON that does not parse is the site's error: nothing to read. */
    doc = json_loadb(t->text.data + t->nodes[i + 1].off, t->nodes[i + 1].len, 0,
                     &err);
    if (!doc && fouine_json_out_of_memory(&err)) {
        pg->nomem = 1; /* not the site's error */
    }
    if (doc) {
        pg->ld_root = doc;
        ld_visit(pg, doc, 0);
        pg->ld_root = NULL;
        json_decref(doc);
    }
}

/* Whether an element is a breadcrumb trail. */
static int is_crumbs(const page *pg, size_t i)
{
    size_t n = 0;
    const char *v;
    if (pg->st[i].words & W_CRUMB) {
        return 1;
    }
    v = fouine_html_attr(pg->t, i, FOUINE_ATTR_ITEMTYPE, &n);
    if (v && contains(v, n, "breadcrumblist")) {
        return 1;
    }
    v = fouine_html_attr(pg->t, i, FOUINE_ATTR_ARIA_LABEL, &n);
    return v && (contains(v, n, "breadcrumb") || contains(v, n, "ariane"));
}

/* One pass over the elements for the metadata. */
static void read_metadata(page *pg)
{
    const fouine_html_tree *t = pg->t;
    meta *m = &pg->m;
    size_t i, n = 0;
    const char *v;

    for (i = 0; i < t->nnodes && !pg->nomem; i++) {
        int tag = t->nodes[i].tag;
        if (tag == FOUINE_TAG_TEXT) {
            continue;
        }
        switch (tag) {
        case FOUINE_TAG_META:
            read_meta_tag(pg, i);
            break;
        case FOUINE_TAG_LINK:
            v = fouine_html_attr(t, i, FOUINE_ATTR_REL, &n);
            if (v && contains(v, n, "canonical")) {
                v = fouine_html_attr(t, i, FOUINE_ATTR_HREF, &n);
                set_view(&m->canonical, v, n);
            }
            break;
        case FOUINE_TAG_SCRIPT:
            read_json_ld(pg, i);
            break;
        case FOUINE_TAG_TITLE:
            if (m->title_tag == FOUINE_HTML_NONE) {
                m->title_tag = (uint32_t)i;
            }
            break;
        case FOUINE_TAG_H1:
            if (m->nh1 < MAX_H1) {
                m->h1[m->nh1++] = (uint32_t)i;
            }
            break;
        case FOUINE_TAG_TIME:
            if (m->ntimes < MAX_TIMES &&
                fouine_html_attr(t, i, FOUINE_ATTR_DATETIME, NULL)) {
                m->times[m->ntimes++] = (uint32_t)i;
            }
            break;
        default:
            break;
        }
        v = fouine_html_attr(t, i, FOUINE_ATTR_ITEMPROP, &n);
        if (v && tag != FOUINE_TAG_META) {
            if (fouine_html_same_word(v, n, "datepublished")) {
                const char *d =
                    fouine_html_attr(t, i, FOUINE_ATTR_DATETIME, &n);
                if (!d) {
                    d = fouine_html_attr(t, i, FOUINE_ATTR_CONTENT, &n);
                }
                set_view(&m->md_date, d, n);
            } else if (fouine_html_same_word(v, n, "author") &&
                       m->md_author == FOUINE_HTML_NONE &&
                       !(pg->st[i].flags & N_INCOMM)) {
                m->md_author = (uint32_t)i;
            }
        }
        if (m->crumbs == FOUINE_HTML_NONE && is_crumbs(pg, i)) {
            m->crumbs = (uint32_t)i;
        }
        if (m->nbylines < MAX_BYLINES && !(pg->st[i].flags & N_INCOMM)) {
            v = fouine_html_attr(t, i, FOUINE_ATTR_REL, &n);
            if ((pg->st[i].words & W_BYLINE) ||
                (v && contains(v, n, "author"))) {
                m->bylines[m->nbylines++] = (uint32_t)i;
            }
        }
    }
}

/* The text of an element, white space collapsed, as a new string (NULL
** when it has none).  Returns FOUINE_OK or FOUINE_ENOMEM. */
static FOUINE_WUR int elem_text(page *pg, uint32_t e, char **out)
{
    const fouine_html_tree *t = pg->t;
    size_t j;
    *out = NULL;
    pg->tmp.len = 0;
    for (j = (size_t)e + 1; j < t->nodes[e].end; j++) {
        const fouine_html_node *node = &t->nodes[j];
        if (node->tag == FOUINE_TAG_TEXT) {
            fouine_buf_append(&pg->tmp, t->text.data + node->off, node->len);
        } else if (tag_props[node->tag] & P_BLOCK ||
                   node->tag == FOUINE_TAG_BR) {
            fouine_buf_append(&pg->tmp, " ", 1);
        }
    }
    if (pg->tmp.failed) {
        return FOUINE_ENOMEM;
    }
    return norm_dup(out, pg->tmp.data, pg->tmp.len);
}

/*
** The article's fields.
*/

/* Separators between a title and the site's name. */
static const char *const title_seps[] = {
    " - ", " | ",  " \xE2\x80\x93 ", " \xE2\x80\x94 ",
    " : ", " :: ", " \xC2\xB7 ",     " \xC2\xBB ",
    " / "
};

/* Whether s[0..n) equals site, ASCII case ignored. */
static int same_text(const char *s, size_t n, const char *site, size_t sn)
{
    size_t i;
    if (n != sn) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (fouine_html_lower(s[i]) != fouine_html_lower(site[i])) {
            return 0;
        }
    }
    return 1;
}

/* Cut the site's name from either end of a title ("Titre - Le Site",
** "Le Site | Titre"), in place. */
static void strip_site(char *title, view site)
{
    size_t n = strlen(title), k, sl;
    char *name = NULL;
    if (!site.s || site.n == 0 || norm_dup(&name, site.s, site.n) != 0 ||
        !name) {
        fouine_free(name);
        return;
    }
    sl = strlen(name);
    for (k = 0; k < sizeof title_seps / sizeof title_seps[0]; k++) {
        size_t pl = strlen(title_seps[k]);
        if (n > sl + pl && same_text(title + n - sl, sl, name, sl) &&
            memcmp(title + n - sl - pl, title_seps[k], pl) == 0) {
            title[n - sl - pl] = '\0';
            break;
        }
        if (n > sl + pl && same_text(title, sl, name, sl) &&
            memcmp(title + sl, title_seps[k], pl) == 0) {
            memmove(title, title + sl + pl, n - sl - pl + 1);
            break;
        }
    }
    fouine_free(name);
}

/* Words of s[0..n). */
static size_t count_words(const char *s, size_t n)
{
    size_t i, w = 0;
    for (i = 0; i < n; i++) {
        w +=
            !fouine_html_space(s[i]) && (i == 0 || fouine_html_space(s[i - 1]));
    }
    return w;
}

/* A <title> without a site's name that is not known: the part after the
** last separator goes when it is short (4 words at most) and what is
** before it is not (3 words or more). */
static void strip_unknown_site(char *title)
{
    size_t n = strlen(title), k, best = 0, bestlen = 0;
    for (k = 0; k < 4; k++) { /* " - ", " | ", " – ", " — " */
        size_t pl = strlen(title_seps[k]), i;
        for (i = n; i-- > 0;) {
            if (i + pl <= n && memcmp(title + i, title_seps[k], pl) == 0) {
                if (i > best) {
                    best = i;
                    bestlen = pl;
                }
                break;
            }
        }
    }
    if (bestlen > 0 &&
        count_words(title + best + bestlen, n - best - bestlen) <= 4 &&
        count_words(title, best) >= 3) {
        title[best] = '\0';
    }
}

/* The first node of the article's text (NONE when it has none). */
static uint32_t article_start(const segs *best)
{
    if (best->nout > 0) {
        return best->v[best->out[0]].node;
    }
    return best->top;
}

/* Cut the site's name from a title (in place); *out becomes NULL when the
** title is nothing but the site's name. */
static void title_without_site(char **out, const view *sites, int from_tag)
{
    size_t k, before = strlen(*out);
    for (k = 0; k < 3; k++) {
        if (sites[k].s &&
            same_text(*out, strlen(*out), sites[k].s, sites[k].n)) {
            fouine_free(*out);
            *out = NULL;
            return;
        }
        strip_site(*out, sites[k]);
        if (strlen(*out) != before) {
            return;
        }
    }
    if (from_tag) {
        strip_unknown_site(*out);
    }
}

/* The title: JSON-LD headline, og:title, the <h1> nearest before the
** article's text (or the first after it), <title>; without the site's
** name, and none of them when it is only the site's name. */
static FOUINE_WUR int pick_title(page *pg, const segs *best, char **out)
{
    meta *m = &pg->m;
    view sites[3];
    uint32_t start = article_start(best), h1 = FOUINE_HTML_NONE;
    size_t k;
    int rc = FOUINE_OK, source;

    sites[0] = m->og_site_name;
    sites[1] = view_of(m->ld_site);
    sites[2] = m->app_name;
    *out = NULL;
    for (k = 0; k < m->nh1; k++) {
        if (h1 == FOUINE_HTML_NONE ||
            (start != FOUINE_HTML_NONE && m->h1[k] < start)) {
            h1 = m->h1[k];
        }
    }
    for (source = 0; source < 4 && rc == FOUINE_OK && !*out; source++) {
        if (source == 0 && m->ld_headline) {
            rc = norm_dup(out, m->ld_headline, strlen(m->ld_headline));
        } else if (source == 1 && m->og_title.s) {
            rc = norm_dup(out, m->og_title.s, m->og_title.n);
        } else if (source == 2 && h1 != FOUINE_HTML_NONE) {
            rc = elem_text(pg, h1, out);
        } else if (source == 3 && m->title_tag != FOUINE_HTML_NONE) {
            rc = elem_text(pg, m->title_tag, out);
        }
        if (rc == FOUINE_OK && *out) {
            title_without_site(out, sites, source == 3);
        }
    }
    return rc;
}

/* A French date line near the article's start: in its first paragraphs,
** then in those just before it (the page walked again without the chrome
** set apart by words, where date lines often are). */
static void text_date(page *pg, const segs *best, segs *scratch, char *d)
{
    const fouine_html_tree *t = pg->t;
    char c[DATE_SIZE];
    size_t lo = 0, hi, k, end = 0;
    segs_reset(scratch);
    segment(pg, scratch, FOUINE_HTML_NONE, N_DROP | N_COMMENTS);
    if (scratch->failed) {
        pg->nomem = 1;
        return;
    }
    if (best->top != FOUINE_HTML_NONE) {
        lo = seg_lower(scratch, best->top);
    }
    hi = best->top != FOUINE_HTML_NONE ?
             seg_lower(scratch, t->nodes[best->top].end) :
             scratch->n;
    for (k = lo; k < hi && k < lo + DATE_LOOKBACK; k++) {
        view v = seg_view(scratch, k);
        if (french_date_in(c, sizeof c, &end, v.s, v.n)) {
            consider_date(d, c);
            return;
        }
    }
    for (k = lo; k-- > 0 && k + DATE_LOOKBACK >= lo;) {
        view v = seg_view(scratch, k);
        if (french_date_in(c, sizeof c, &end, v.s, v.n)) {
            consider_date(d, c);
            return;
        }
    }
}

/* The date: JSON-LD datePublished, article:published_time, other date
** metas, itemprop="datePublished", <time datetime> (in the article
** first), a French date line; a date without time takes the time of a
** later source for the same day. */
static FOUINE_WUR int pick_date(page *pg,
                                const segs *best,
                                segs *scratch,
                                char **out)
{
    meta *m = &pg->m;
    char d[DATE_SIZE] = "";
    size_t k, n = 0, pass;
    *out = NULL;
    consider_value(d, m->ld_date, m->ld_date ? strlen(m->ld_date) : 0);
    consider_value(d, m->pub_time.s, m->pub_time.n);
    consider_value(d, m->date_meta.s, m->date_meta.n);
    consider_value(d, m->md_date.s, m->md_date.n);
    for (pass = 0; pass < 2; pass++) {
        for (k = 0; k < m->ntimes; k++) {
            uint32_t e = m->times[k];
            int inside =
                best->top != FOUINE_HTML_NONE && holds(pg->t, best->top, e);
            const char *v =
                fouine_html_attr(pg->t, e, FOUINE_ATTR_DATETIME, &n);
            if ((pass == 0) == inside && !(pg->st[e].flags & N_INCOMM)) {
                consider_value(d, v, n);
            }
        }
    }
    if (strlen(d) <= 10) {
        text_date(pg, best, scratch, d);
    }
    if (d[0] == '\0') {
        return pg->nomem ? FOUINE_ENOMEM : FOUINE_OK;
    }
    *out = fouine_strdup(d);
    return *out ? FOUINE_OK : FOUINE_ENOMEM;
}

/* The section in a breadcrumb trail of the page: its first link (or item)
** after the home, that is not the title. */
static FOUINE_WUR int dom_crumb(page *pg, const char *title, char **out)
{
    const fouine_html_tree *t = pg->t;
    uint32_t c = pg->m.crumbs;
    size_t j, seen = 0;
    int pass, rc = FOUINE_OK;
    *out = NULL;
    if (c == FOUINE_HTML_NONE) {
        return FOUINE_OK;
    }
    for (pass = 0; pass < 2 && !*out && rc == FOUINE_OK; pass++) {
        int tag = pass == 0 ? FOUINE_TAG_A : FOUINE_TAG_LI;
        for (j = (size_t)c + 1; j < t->nodes[c].end && seen < MAX_CRUMBS; j++) {
            if (t->nodes[j].tag != tag) {
                continue;
            }
            rc = elem_text(pg, (uint32_t)j, out);
            if (rc != FOUINE_OK) {
                break;
            }
            if (*out &&
                !(seen == 0 &&
                  home_crumb(*out, strlen(*out),
                             fouine_html_attr(t, j, FOUINE_ATTR_HREF, NULL))) &&
                !(title && strcmp(*out, title) == 0) &&
                count_words(*out, strlen(*out)) <= 6) {
                return FOUINE_OK;
            }
            seen += *out != NULL;
            fouine_free(*out);
            *out = NULL;
            j = t->nodes[j].end - 1;
        }
    }
    return rc;
}

/* The path of a URL ("/monde/x.html"), and its host in *host, *hn (empty
** for a relative URL). */
static const char *url_path(const char *u,
                            size_t n,
                            const char **host,
                            size_t *hn)
{
    const char *p = n >= 3 ? strstr(u, "://") : NULL, *slash;
    *host = u;
    *hn = 0;
    if (!p || (size_t)(p - u) > 10) {
        return u;
    }
    *host = p + 3;
    slash = memchr(*host, '/', n - (size_t)(*host - u));
    *hn = slash ? (size_t)(slash - *host) : n - (size_t)(*host - u);
    return slash ? slash : u + n;
}

/*
** The section named by the first directory of the article's URL: the text
** of a link of the page to that directory ("/monde/deux-soldats.html" and
** <a href="https://site/monde/">Monde</a> give "Monde").  Directories of
** digits (dates) are not sections.
*/
static FOUINE_WUR int url_section(page *pg, const char *url, char **out)
{
    const fouine_html_tree *t = pg->t;
    const char *host, *path, *d, *end, *v;
    size_t hn, dn, j, n = 0, k;
    int rc = FOUINE_OK, digits_only = 1;
    *out = NULL;
    if (!url) {
        return FOUINE_OK;
    }
    path = url_path(url, strlen(url), &host, &hn);
    if (*path != '/') {
        return FOUINE_OK;
    }
    d = path + 1;
    end = strchr(d, '/');
    if (!end || end == d || !end[1]) {
        return FOUINE_OK; /* not a directory, or the article itself */
    }
    dn = (size_t)(end - d);
    for (k = 0; k < dn; k++) {
        digits_only = digits_only && is_digit(d[k]);
    }
    if (digits_only) {
        return FOUINE_OK;
    }
    for (j = 0; j < t->nnodes && rc == FOUINE_OK && !*out; j++) {
        const char *lh, *lp;
        size_t lhn, pn;
        if (t->nodes[j].tag != FOUINE_TAG_A ||
            !(v = fouine_html_attr(t, j, FOUINE_ATTR_HREF, &n))) {
            continue;
        }
        lp = url_path(v, n, &lh, &lhn);
        pn = n - (size_t)(lp - v);
        if ((lhn > 0 && (lhn != hn || memcmp(lh, host, hn) != 0)) ||
            pn < dn + 1 || lp[0] != '/' || memcmp(lp + 1, d, dn) != 0 ||
            (pn != dn + 1 && !(pn == dn + 2 && lp[dn + 1] == '/'))) {
            continue;
        }
        rc = elem_text(pg, (uint32_t)j, out);
        if (rc == FOUINE_OK && *out && count_words(*out, strlen(*out)) > 4) {
            fouine_free(*out);
            *out = NULL;
        }
    }
    return rc;
}

/* The category: article:section, JSON-LD articleSection, the JSON-LD
** breadcrumbs, itemprop="articleSection", the link to the first directory
** of the article's URL, the page's breadcrumbs, other section metas. */
static FOUINE_WUR int pick_category(page *pg,
                                    const char *title,
                                    const char *url,
                                    char **out)
{
    meta *m = &pg->m;
    int rc = FOUINE_OK;
    *out = NULL;
    if (m->section.s) {
        rc = norm_dup(out, m->section.s, m->section.n);
    }
    if (rc == FOUINE_OK && !*out && m->ld_section) {
        rc = norm_dup(out, m->ld_section, strlen(m->ld_section));
    }
    if (rc == FOUINE_OK && !*out && m->ld_crumb) {
        rc = norm_dup(out, m->ld_crumb, strlen(m->ld_crumb));
    }
    if (rc == FOUINE_OK && !*out && m->md_section.s) {
        rc = norm_dup(out, m->md_section.s, m->md_section.n);
    }
    if (rc == FOUINE_OK && !*out) {
        rc = url_section(pg, url, out);
    }
    if (rc == FOUINE_OK && !*out) {
        rc = dom_crumb(pg, title, out);
    }
    if (rc == FOUINE_OK && !*out && m->section_meta.s) {
        rc = norm_dup(out, m->section_meta.s, m->section_meta.n);
    }
    return rc;
}

/* An author's name as pages write it, without "Par " / "By "; NULL when
** it is not a name (a link, or a long text).  A byline of the page is cut
** at its first separator ("Marc Lefèvre — Publié le 7 novembre"), when
** cut is set.  Takes s. */
static char *clean_author(char *s, int cut)
{
    static const char *const bys[] = { "par ", "by " };
    static const char *const seps[] = {
        ", ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " | ", " \xC2\xB7 "
    };
    size_t k, n;
    if (!s) {
        return NULL;
    }
    for (k = 0; k < 2; k++) {
        size_t m = folded_prefix(s, strlen(s), bys[k]);
        if (m > 0) {
            memmove(s, s + m, strlen(s + m) + 1);
        }
    }
    for (k = 0; cut && k < sizeof seps / sizeof seps[0]; k++) {
        char *sep = strstr(s, seps[k]);
        if (sep) {
            *sep = '\0';
        }
    }
    n = strlen(s);
    if (n == 0 || n > 120 || strncmp(s, "http", 4) == 0) {
        fouine_free(s);
        return NULL;
    }
    return s;
}

/* The author: JSON-LD, meta author, article:author, itemprop="author",
** a byline element. */
static FOUINE_WUR int pick_author(page *pg, char **out)
{
    const fouine_html_tree *t = pg->t;
    meta *m = &pg->m;
    const view metas[2] = { m->author_meta, m->article_author };
    size_t k, n = 0, j;
    int rc = FOUINE_OK;
    *out = NULL;
    if (m->ld_author) {
        rc = norm_dup(out, m->ld_author, strlen(m->ld_author));
        *out = clean_author(*out, 0);
    }
    for (k = 0; k < 2 && rc == FOUINE_OK && !*out; k++) {
        if (metas[k].s) {
            rc = norm_dup(out, metas[k].s, metas[k].n);
            *out = clean_author(*out, 0);
        }
    }
    if (rc == FOUINE_OK && !*out && m->md_author != FOUINE_HTML_NONE) {
        uint32_t e = m->md_author;
        const char *v = fouine_html_attr(t, e, FOUINE_ATTR_CONTENT, &n);
        if (v) {
            rc = norm_dup(out, v, n);
        }
        for (j = (size_t)e + 1; rc == FOUINE_OK && !*out && j < t->nodes[e].end;
             j++) {
            v = fouine_html_attr(t, j, FOUINE_ATTR_ITEMPROP, &n);
            if (v && fouine_html_same_word(v, n, "name")) {
                rc = elem_text(pg, (uint32_t)j, out);
            }
        }
        if (rc == FOUINE_OK && !*out) {
            rc = elem_text(pg, e, out);
        }
        *out = clean_author(*out, 1);
    }
    for (k = 0; k < m->nbylines && rc == FOUINE_OK && !*out; k++) {
        rc = elem_text(pg, m->bylines[k], out);
        *out = clean_author(*out, 1);
    }
    return rc;
}

/* The url: <link rel="canonical">, og:url, JSON-LD; an absolute one
** first. */
static FOUINE_WUR int pick_url(page *pg, char **out)
{
    meta *m = &pg->m;
    view urls[4];
    size_t k;
    int pass;
    urls[0] = m->canonical;
    urls[1] = m->og_url;
    urls[2] = view_of(m->ld_url);
    urls[3].s = NULL;
    urls[3].n = 0;
    *out = NULL;
    for (pass = 0; pass < 2; pass++) {
        for (k = 0; k < 3; k++) {
            if (urls[k].s && urls[k].n > 0 &&
                (pass == 1 || contains(urls[k].s, urls[k].n, "://"))) {
                return norm_dup(out, urls[k].s, urls[k].n);
            }
        }
    }
    return FOUINE_OK;
}

/* The page's description (og:description, JSON-LD, meta description),
** without a final ellipsis; NULL when none. */
static FOUINE_WUR int pick_description(page *pg, char **out, int *cut)
{
    meta *m = &pg->m;
    int rc = FOUINE_OK;
    size_t n;
    *out = NULL;
    *cut = 0;
    if (m->og_description.s) {
        rc = norm_dup(out, m->og_description.s, m->og_description.n);
    }
    if (rc == FOUINE_OK && !*out && m->ld_description) {
        rc = norm_dup(out, m->ld_description, strlen(m->ld_description));
    }
    if (rc == FOUINE_OK && !*out && m->description.s) {
        rc = norm_dup(out, m->description.s, m->description.n);
    }
    if (rc != FOUINE_OK || !*out) {
        return rc;
    }
    n = strlen(*out);
    if (n >= 3 && strcmp(*out + n - 3, "...") == 0) {
        n -= 3;
        *cut = 1;
    } else if (n >= 3 && strcmp(*out + n - 3, "\xE2\x80\xA6") == 0) {
        n -= 3; /* "…" */
        *cut = 1;
    }
    while (n > 0 && (*out)[n - 1] == ' ') {
        n--;
    }
    (*out)[n] = '\0';
    return FOUINE_OK;
}

/* Whether paragraph v is the description d (or starts with d, when d was
** cut). */
static int is_description(view v, const char *d, int cut)
{
    size_t n = strlen(d);
    return n >= 30 && v.n >= n && memcmp(v.s, d, n) == 0 && (cut || v.n == n);
}

/*
** Lead and body: the first paragraph of the article is its lead, unless
** the page shows its description as a chapô before the article's text.
** Paragraphs that repeat the title are left out.  A page without
** paragraphs gets its description as its lead.
*/
static FOUINE_WUR int assemble(page *pg,
                               const segs *best,
                               const char *title,
                               fouine_article *a)
{
    fouine_buf body = { NULL, 0, 0, 0 };
    char *desc = NULL;
    size_t k, first = SIZE_MAX, chapo = SIZE_MAX,
              tl = title ? strlen(title) : 0;
    uint32_t start = article_start(best);
    int rc, cut = 0;

    rc = pick_description(pg, &desc, &cut);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (desc && start != FOUINE_HTML_NONE) {
        for (k = 0; k < best->n && best->v[k].node < start; k++) {
            if (is_description(seg_view(best, k), desc, cut)) {
                chapo = k;
            }
        }
    }
    for (k = 0; k < best->nout; k++) {
        view v = seg_view(best, best->out[k]);
        if (title && v.n == tl && memcmp(v.s, title, tl) == 0) {
            continue;
        }
        if (chapo == SIZE_MAX && first == SIZE_MAX) {
            first = best->out[k];
            continue;
        }
        if (body.len > 0) {
            fouine_buf_append(&body, "\n\n", 2);
        }
        fouine_buf_append(&body, v.s, v.n);
    }
    if (chapo != SIZE_MAX) {
        first = chapo;
    }
    if (first != SIZE_MAX) {
        view v = seg_view(best, first);
        a->lead = fouine_strndup(v.s, v.n);
    } else {
        a->lead = fouine_strdup(desc ? desc : "");
    }
    a->body = body.len > 0 ? body.data : fouine_strdup("");
    if (body.len > 0) {
        body.data = NULL;
    }
    rc = body.failed || !a->lead || !a->body ? FOUINE_ENOMEM : FOUINE_OK;
done:
    fouine_free(body.data);
    fouine_free(desc);
    return rc;
}

/*
** Reader comments.
*/

/* Whether an element is marked as a schema.org Comment. */
static int is_schema_comment(const fouine_html_tree *t, size_t i)
{
    size_t n = 0;
    const char *v = fouine_html_attr(t, i, FOUINE_ATTR_ITEMTYPE, &n);
    return v && n >= 7 && fouine_html_same_word(v + n - 7, 7, "comment");
}

/* Whether node j lies in a <form> below c (the form to comment). */
static int in_form(const fouine_html_tree *t, size_t j, uint32_t c)
{
    uint32_t p = t->nodes[j].parent;
    for (; p != FOUINE_HTML_NONE && p != c; p = t->nodes[p].parent) {
        if (t->nodes[p].tag == FOUINE_TAG_FORM) {
            return 1;
        }
    }
    return 0;
}

/* Mark the comments of a comment section c: elements named "comment"
** (singular) or typed schema.org Comment; else its <article> elements;
** else the items of its lists; else c itself when it is named "comment".
** Inside them, authors, dates, buttons, headers and footers are marked
** N_CMETA. */
static void mark_items(page *pg, uint32_t c)
{
    const fouine_html_tree *t = pg->t;
    size_t j, end = t->nodes[c].end, found = 0;
    int pass;
    for (pass = 0; pass < 3 && found == 0; pass++) {
        for (j = (size_t)c + 1; j < end; j++) {
            const fouine_html_node *node = &t->nodes[j];
            int words = pg->st[j].words, item;
            if (node->tag == FOUINE_TAG_TEXT) {
                continue;
            }
            item =
                pass == 0 ? is_schema_comment(t, j) ||
                                ((words & W_COMMENT) && !(words & W_CPART)) :
                pass == 1 ? node->tag == FOUINE_TAG_ARTICLE :
                            node->tag == FOUINE_TAG_LI &&
                                node->parent != FOUINE_HTML_NONE &&
                                (t->nodes[node->parent].tag == FOUINE_TAG_UL ||
                                 t->nodes[node->parent].tag == FOUINE_TAG_OL);
            if (item && !in_form(t, j, c)) {
                pg->st[j].flags |= N_CITEM;
                found++;
            }
        }
    }
    if (found == 0 && (pg->st[c].words & W_COMMENT) &&
        !(pg->st[c].words & W_CPART)) {
        pg->st[c].flags |= N_CITEM;
    }
    for (j = (size_t)c + 1; j < end; j++) {
        int tag = t->nodes[j].tag;
        if (tag != FOUINE_TAG_TEXT && !(pg->st[j].flags & N_CITEM) &&
            ((pg->st[j].words & W_CMETA) || tag == FOUINE_TAG_HEADER ||
             tag == FOUINE_TAG_FOOTER)) {
            pg->st[j].flags |= N_CMETA;
        }
    }
}

/* Mark the comments of every comment section of the page. */
static void mark_comments(page *pg)
{
    const fouine_html_tree *t = pg->t;
    size_t i;
    for (i = 0; i < t->nnodes; i++) {
        if (t->nodes[i].tag != FOUINE_TAG_TEXT &&
            (pg->st[i].flags & N_COMMENTS)) {
            mark_items(pg, (uint32_t)i);
            i = t->nodes[i].end - 1;
        }
    }
}

/* The date of a comment: a <time datetime> or an itemprop date in it
** (not in its replies), else a French date in its text. */
static void comment_date(page *pg, uint32_t item, segs *scratch, char *d)
{
    const fouine_html_tree *t = pg->t;
    size_t j, n = 0, k, end = 0;
    d[0] = '\0';
    for (j = (size_t)item + 1; j < t->nodes[item].end && !d[0];) {
        const char *v = NULL, *ip;
        if (t->nodes[j].tag == FOUINE_TAG_TEXT) {
            j++;
            continue;
        }
        if (pg->st[j].flags & N_CITEM) {
            j = t->nodes[j].end; /* a reply */
            continue;
        }
        ip = fouine_html_attr(t, j, FOUINE_ATTR_ITEMPROP, &n);
        if (t->nodes[j].tag == FOUINE_TAG_TIME ||
            (ip && (fouine_html_same_word(ip, n, "datecreated") ||
                    fouine_html_same_word(ip, n, "datepublished")))) {
            v = fouine_html_attr(t, j, FOUINE_ATTR_DATETIME, &n);
            if (!v) {
                v = fouine_html_attr(t, j, FOUINE_ATTR_CONTENT, &n);
            }
        }
        consider_value(d, v, n);
        j++;
    }
    if (d[0]) {
        return;
    }
    segs_reset(scratch);
    segment(pg, scratch, item, N_DROP | N_CITEM);
    for (k = 0; k < scratch->n; k++) {
        view v = seg_view(scratch, k);
        if (french_date_in(d, DATE_SIZE, &end, v.s, v.n)) {
            return;
        }
    }
    d[0] = '\0';
}

/* Read the comments marked into the article. */
static FOUINE_WUR int read_comments(page *pg, segs *scratch, fouine_article *a)
{
    const fouine_html_tree *t = pg->t;
    fouine_buf text = { NULL, 0, 0, 0 };
    char d[DATE_SIZE];
    size_t i, k, n = 0;
    int rc = FOUINE_OK;

    for (i = 0; i < t->nnodes; i++) {
        n += t->nodes[i].tag != FOUINE_TAG_TEXT && (pg->st[i].flags & N_CITEM);
    }
    if (n == 0) {
        return FOUINE_OK;
    }
    a->comments = fouine_calloc(n, sizeof *a->comments);
    if (!a->comments) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < t->nnodes && rc == FOUINE_OK; i++) {
        fouine_comment *c;
        if (t->nodes[i].tag == FOUINE_TAG_TEXT ||
            !(pg->st[i].flags & N_CITEM)) {
            continue;
        }
        segs_reset(scratch);
        segment(pg, scratch, (uint32_t)i, N_DROP | N_HINT | N_CMETA | N_CITEM);
        text.len = 0;
        for (k = 0; k < scratch->n; k++) {
            view v = seg_view(scratch, k);
            if (text.len > 0) {
                fouine_buf_append(&text, "\n", 1);
            }
            fouine_buf_append(&text, v.s, v.n);
        }
        if (scratch->failed || text.failed) {
            rc = FOUINE_ENOMEM;
            break;
        }
        if (text.len == 0) {
            continue; /* a comment without text, or a deleted one */
        }
        comment_date(pg, (uint32_t)i, scratch, d);
        if (scratch->failed) {
            rc = FOUINE_ENOMEM;
            break;
        }
        c = &a->comments[a->ncomments++];
        c->body = fouine_strndup(text.data, text.len);
        c->date = d[0] ? fouine_strdup(d) : NULL;
        if (!c->body || (d[0] && !c->date)) {
            rc = FOUINE_ENOMEM;
        }
    }
    fouine_free(text.data);
    return rc;
}

/*
** The page.
*/

static void page_free(page *pg)
{
    meta *m = &pg->m;
    fouine_free(m->ld_headline);
    fouine_free(m->ld_date);
    fouine_free(m->ld_section);
    fouine_free(m->ld_author);
    fouine_free(m->ld_url);
    fouine_free(m->ld_description);
    fouine_free(m->ld_site);
    fouine_free(m->ld_crumb);
    fouine_free(pg->st);
    segs_free(&pg->a);
    segs_free(&pg->b);
    fouine_free(pg->tmp.data);
    memset(pg, 0, sizeof *pg);
}

/*
** A chrome word on an element that holds most of the page's text names a
** layout ("has-sidebar", "with-header"), not a block of chrome: such an
** element is not set apart.  scratch is free for the walk.
*/
static void keep_wrappers(page *pg, segs *scratch)
{
    const fouine_html_tree *t = pg->t;
    size_t i, k, total = 0;
    segs_reset(scratch);
    segment(pg, scratch, FOUINE_HTML_NONE, N_DROP | N_COMMENTS);
    if (scratch->failed) {
        pg->nomem = 1;
        return;
    }
    accumulate(pg, scratch);
    for (k = 0; k < scratch->n; k++) {
        total += scratch->v[k].chars;
    }
    for (i = 0; i < t->nnodes; i++) {
        if ((pg->st[i].flags & N_HINT) && (size_t)pg->st[i].chars * 2 > total) {
            pg->st[i].flags &= (uint16_t)~N_HINT;
        }
    }
    segs_reset(scratch);
}

/* Read the article of a tree into a (every field but lead, body, title
** is optional). */
static FOUINE_WUR int read_article(page *pg, fouine_article *a)
{
    segs *best, *scratch = NULL;
    int rc;
    mark_nodes(pg);
    mark_comments(pg);
    keep_wrappers(pg, &pg->b);
    read_metadata(pg);
    if (pg->nomem) {
        return FOUINE_ENOMEM;
    }
    best = extract(pg, &scratch);
    if (!best) {
        return FOUINE_ENOMEM;
    }
    rc = pick_title(pg, best, &a->title);
    if (rc == FOUINE_OK) {
        rc = assemble(pg, best, a->title, a);
    }
    if (rc == FOUINE_OK) {
        rc = pick_date(pg, best, scratch, &a->date);
    }
    if (rc == FOUINE_OK) {
        rc = pick_url(pg, &a->url);
    }
    if (rc == FOUINE_OK) {
        rc = pick_category(pg, a->title, a->url, &a->category);
    }
    if (rc == FOUINE_OK) {
        rc = pick_author(pg, &a->author);
    }
    if (rc == FOUINE_OK) {
        rc = read_comments(pg, scratch, a);
    }
    return rc;
}

int fouine_html_parse(fouine_article *out,
                      fouine_skip *skip,
                      fouine_html_info *info,
                      const char *bytes,
                      size_t len)
{
    fouine_html_tree tree;
    page pg;
    char *owned = NULL;
    const char *text = NULL;
    size_t tlen = 0;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&tree, 0, sizeof tree);
    memset(&pg, 0, sizeof pg);
    memset(info, 0, sizeof *info);
    info->bad_utf8 = SIZE_MAX;
    *skip = FOUINE_SKIP_EMPTY;
    if (len > FOUINE_HTML_MAX_BYTES) {
        *skip = FOUINE_SKIP_TOO_LARGE;
        rc = FOUINE_EINVAL;
        goto done;
    }
    if (fouine_text_blank(bytes, len)) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    if (memchr(bytes, '\0', len)) {
        *skip = FOUINE_SKIP_BINARY;
        rc = FOUINE_EINVAL;
        goto done;
    }
    rc = fouine_html_decode(&owned, &text, &tlen, info, bytes, len);
    if (rc == FOUINE_OK) {
        rc = fouine_html_tree_build(&tree, info, text, tlen);
    }
    if (rc == FOUINE_EINVAL) {
        *skip = FOUINE_SKIP_TOO_LARGE;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    pg.t = &tree;
    pg.m.title_tag = pg.m.md_author = pg.m.crumbs = FOUINE_HTML_NONE;
    pg.a.top = pg.b.top = FOUINE_HTML_NONE;
    pg.st = fouine_calloc(tree.nnodes ? tree.nnodes : 1, sizeof *pg.st);
    if (!pg.st) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    rc = read_article(&pg, out);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (out->lead[0] == '\0' && out->body[0] == '\0') {
        *skip = out->title ? FOUINE_SKIP_EMPTY : FOUINE_SKIP_NO_TEXT;
        rc = FOUINE_EINVAL;
    } else if (!out->title) {
        /* A page with text but no title is indexed untitled, as a JSON
        ** article or a text file without one. */
        out->title = fouine_strdup("");
        fouine_buf_puts(&out->notes, "no title: indexed untitled\n");
        if (!out->title || out->notes.failed) {
            rc = FOUINE_ENOMEM;
        }
    }
done:
    if (rc != FOUINE_OK) {
        fouine_article_clear(out);
    }
    page_free(&pg);
    fouine_html_tree_free(&tree);
    fouine_free(owned);
    return rc;
}

/* Append "; " and a message to out[0..size), cut to fit. */
static void add_warning(char *out, size_t size, int *count, const char *msg)
{
    size_t n = strlen(out);
    snprintf(out + n, size - n, "%s%s", n > 0 ? "; " : "", msg);
    (*count)++;
}

int fouine_html_warnings(char *out, size_t size, const fouine_html_info *info)
{
    char msg[160];
    int count = 0;
    if (size == 0) {
        return 0;
    }
    out[0] = '\0';
    if (info->from == FOUINE_FROM_UNSUPPORTED) {
        snprintf(msg, sizeof msg, "charset '%s' not supported, read as %s",
                 info->declared, fouine_charset_name(info->charset));
        add_warning(out, size, &count, msg);
    }
    if (info->from == FOUINE_FROM_NOT_UTF8 && info->declared[0]) {
        snprintf(msg, sizeof msg,
                 "declared '%s' but not UTF-8, read as windows-1252",
                 info->declared);
        add_warning(out, size, &count, msg);
    }
    if (info->bad_utf8 != SIZE_MAX) {
        snprintf(msg, sizeof msg,
                 "invalid UTF-8 at byte offset %zu, replaced by U+FFFD",
                 info->bad_utf8);
        add_warning(out, size, &count, msg);
    }
    if (info->cut) {
        snprintf(msg, sizeof msg,
                 "%s at byte %zu: the rest of the page is not read",
                 info->cut == FOUINE_HTML_CUT_DEPTH ?
                     "elements nested deeper than " STR(FOUINE_HTML_MAX_DEPTH) :
                     "a tag with more than " STR(
                         FOUINE_HTML_MAX_ATTRS) " attributes",
                 info->cut_at);
        add_warning(out, size, &count, msg);
    }
    return count;
}

void fouine_html_charset_text(char *out,
                              size_t size,
                              const fouine_html_info *info)
{
    const char *cs = fouine_charset_name(info->charset);
    switch (info->from) {
    case FOUINE_FROM_BOM:
        snprintf(out, size, "%s (byte order mark)", cs);
        break;
    case FOUINE_FROM_DECLARED:
        snprintf(out, size, "%s (declared '%s')", cs, info->declared);
        break;
    case FOUINE_FROM_UTF8_BYTES:
        snprintf(out, size, "%s (declared '%s', but the bytes are UTF-8)", cs,
                 info->declared);
        break;
    case FOUINE_FROM_NOT_UTF8:
        snprintf(out, size, "%s (%s, but the bytes are not UTF-8)", cs,
                 info->declared[0] ? "declared UTF-8" : "nothing declared");
        break;
    case FOUINE_FROM_UNSUPPORTED:
        snprintf(out, size, "%s (declared '%s', not supported)", cs,
                 info->declared);
        break;
    default:
        snprintf(out, size, "%s (nothing declared)", cs);
        break;
    }
}
