/*
 * lib/tz.c — TZif files (RFC 8536, versions 1 to 4) and POSIX TZ strings
 * turned into one table of transitions per zone, so that converting an
 * instant is a binary search and no conversion reads TZ, the file system
 * or libc's shared localtime() state. Not a date parser: callers give
 * broken-down fields or local milliseconds.
 *
 * The footer TZ string of a TZif file rules the instants after its last
 * transition (slim files stop at the present day, fat ones at 2037). Its
 * transitions are generated into the table for 401 years; beyond them
 * instants are folded back by whole 400-year Gregorian cycles, which
 * repeat weekdays and leap years exactly, as tzcode does.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "tz.h"

#define TZ_NAME_MAX	128
#define TZ_ABBR_MAX	16
#define TZIF_MAX_SIZE	(1 << 20)	/* real files are under 4 KB */
#define TZIF_MAX_TIMES	(1 << 16)
#define TZ_UTOFF_MAX	(26 * 3600)	/* RFC 8536 3.2: under 26 h */
#define TZ_CYCLE_MS	(146097LL * CIVIL_MS_PER_DAY)	/* 400 years */
#define TZ_FOOTER_YEARS	401
#define TZ_RULE_H_MAX	167		/* RFC 8536 3.3.1: -167..167 */

struct tz_type {
	int32_t		 utoff;
	int		 isdst;
	char		 abbr[TZ_ABBR_MAX];
};

struct tz {
	char		 name[TZ_NAME_MAX];
	int64_t		*at;		/* transitions, seconds */
	uint16_t	*idx;		/* the type from at[i] on */
	size_t		 n, cap;
	struct tz_type	*types;	/* [0] rules before at[0] */
	size_t		 ntypes;
	/*
	 * Derived once the table is complete, for lookups without
	 * indirection: off[i + 1] is the offset (ms) from at[i] on, off[0]
	 * the one before at[0]; wall[i] = at[i] + off[i] (ms) is the wall
	 * clock just reached when transition i happens.
	 */
	int64_t		*off;
	int64_t		*wall;
	/*
	 * Instants at or after fold_end (and, for zones made from a TZ
	 * string alone, before fold_start) are moved by whole 400-year
	 * cycles into [fold_start, fold_end). No folding when equal.
	 */
	int64_t		 fold_start, fold_end;	/* ms */
	int		 fold_low;
};

/* One rule of a TZ string: a date ('J', 'n' or 'M') and a time. */
struct prule {
	char		 kind;
	int		 a, b, c;	/* Jn / n: a; Mm.w.d: a.b.c */
	int32_t		 secs;		/* its wall time */
};

struct posix_tz {
	char		 std[TZ_ABBR_MAX], dst[TZ_ABBR_MAX];
	int32_t		 std_off, dst_off;	/* seconds east */
	int		 has_dst;
	struct prule	 start, end;
};

static void	seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ names */

const char *
tz_name_check(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return "is empty";
	if (strlen(name) >= TZ_NAME_MAX)
		return "is too long for a zone name";
	if (name[0] == '/')
		return "must be a zone name like Europe/Amsterdam, not a path";
	if (strstr(name, "..") != NULL)
		return "must not contain \"..\"";
	for (p = name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/_+-.", *p) != NULL)
			continue;
		return "may only contain letters, digits and / _ + - .";
	}
	if (p[-1] == '/' || strstr(name, "//") != NULL)
		return "is not a zone name like Europe/Amsterdam";
	return NULL;
}

const char *
tz_name(const struct tz *z)
{
	return z->name;
}

/* ------------------------------------------------------------ building */

static struct tz *
tz_new(const char *name)
{
	struct tz	*z;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->at);
	free(z->idx);
	free(z->types);
	free(z->off);
	free(z->wall);
	free(z);
}

/* The index of a type equal to this one, appended if new; -1 on ENOMEM. */
static int
type_add(struct tz *z, int32_t utoff, int isdst, const char *abbr)
{
	struct tz_type	*nt;
	size_t		 i;

	for (i = 0; i < z->ntypes; i++)
		if (z->types[i].utoff == utoff && z->types[i].isdst == isdst &&
		    strcmp(z->types[i].abbr, abbr) == 0)
			return (int)i;
	if (z->ntypes >= UINT16_MAX)
		return -1;
	nt = realloc(z->types, (z->ntypes + 1) * sizeof(*nt));
	if (nt == NULL)
		return -1;
	z->types = nt;
	nt[z->ntypes].utoff = utoff;
	nt[z->ntypes].isdst = isdst;
	snprintf(nt[z->ntypes].abbr, TZ_ABBR_MAX, "%s", abbr);
	return (int)z->ntypes++;
}

/* Append a transition; later than every other, or it is dropped. */
static int
trans_add(struct tz *z, int64_t at, int type)
{
	int64_t		*na;
	uint16_t	*ni;
	size_t		 ncap;

	if (z->n > 0 && at <= z->at[z->n - 1])
		return 0;
	if (z->n > 0 && z->idx[z->n - 1] == type)
		return 0;		/* no change */
	if (z->n == z->cap) {
		ncap = z->cap ? z->cap * 2 : 64;
		if ((na = realloc(z->at, ncap * sizeof(*na))) == NULL)
			return -1;
		z->at = na;
		if ((ni = realloc(z->idx, ncap * sizeof(*ni))) == NULL)
			return -1;
		z->idx = ni;
		z->cap = ncap;
	}
	z->at[z->n] = at;
	z->idx[z->n] = (uint16_t)type;
	z->n++;
	return 0;
}

/* ------------------------------------------------------------ TZ strings */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, +, -. */
static const char *
p_abbr(const char *p, char *out)
{
	size_t	 n = 0;

	if (*p == '<') {
		for (p++; *p != '>'; p++) {
			if (!is_alpha(*p) && !is_digit(*p) && *p != '+' &&
			    *p != '-')
				return NULL;
			if (n + 1 >= TZ_ABBR_MAX)
				return NULL;
			out[n++] = *p;
		}
		p++;
	} else {
		for (; is_alpha(*p); p++) {
			if (n + 1 >= TZ_ABBR_MAX)
				return NULL;
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return n >= 3 ? p : NULL;
}

static const char *
p_num(const char *p, int min, int max, int *v)
{
	int	 n = 0, digits = 0;

	for (; is_digit(*p) && digits < 4; p++, digits++)
		n = n * 10 + (*p - '0');
	if (digits == 0 || n < min || n > max)
		return NULL;
	*v = n;
	return p;
}

/* [+-]hh[:mm[:ss]] with hh up to maxh. */
static const char *
p_hms(const char *p, int maxh, int32_t *secs)
{
	int	 sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if ((p = p_num(p, 0, maxh, &h)) == NULL)
		return NULL;
	if (*p == ':') {
		if ((p = p_num(p + 1, 0, 59, &m)) == NULL)
			return NULL;
		if (*p == ':' && (p = p_num(p + 1, 0, 59, &s)) == NULL)
			return NULL;
	}
	*secs = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *
p_rule(const char *p, struct prule *r)
{
	r->secs = 2 * 3600;
	if (*p == 'J') {
		r->kind = 'J';
		p = p_num(p + 1, 1, 365, &r->a);
	} else if (*p == 'M') {
		r->kind = 'M';
		if ((p = p_num(p + 1, 1, 12, &r->a)) == NULL || *p != '.' ||
		    (p = p_num(p + 1, 1, 5, &r->b)) == NULL || *p != '.')
			return NULL;
		p = p_num(p + 1, 0, 6, &r->c);
	} else {
		r->kind = 'n';
		p = p_num(p, 0, 365, &r->a);
	}
	if (p != NULL && *p == '/')
		p = p_hms(p + 1, TZ_RULE_H_MAX, &r->secs);
	return p;
}

/* A POSIX TZ string as RFC 8536 section 3.3 extends it. */
static int
posix_parse(const char *p, struct posix_tz *pz)
{
	int32_t	 off;

	memset(pz, 0, sizeof(*pz));
	if ((p = p_abbr(p, pz->std)) == NULL ||
	    (p = p_hms(p, 24, &off)) == NULL)
		return -1;
	pz->std_off = -off;		/* POSIX counts hours west */
	if (*p == '\0')
		return 0;
	if ((p = p_abbr(p, pz->dst)) == NULL)
		return -1;
	pz->has_dst = 1;
	pz->dst_off = pz->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = p_hms(p, 24, &off)) == NULL)
			return -1;
		pz->dst_off = -off;
	}
	if (*p == '\0') {
		/* POSIX leaves the default open; tzcode uses the US rule. */
		p = "M3.2.0,M11.1.0";
	} else if (*p++ != ',')
		return -1;
	if ((p = p_rule(p, &pz->start)) == NULL || *p++ != ',' ||
	    (p = p_rule(p, &pz->end)) == NULL || *p != '\0')
		return -1;
	return 0;
}

/* The day number on which rule r falls in year y. */
static int64_t
rule_day(const struct prule *r, int64_t y)
{
	int64_t	 first, day;
	int	 last;

	switch (r->kind) {
	case 'J':	/* 1..365, February 29 never counted */
		return civil_days(y, 1, 1) + r->a - 1 +
		    (civil_is_leap(y) && r->a >= 60);
	case 'n':
		return civil_days(y, 1, 1) + r->a;
	default:	/* day c of week b of month a; week 5 = the last */
		first = civil_days(y, r->a, 1);
		day = first + civil_fmod(r->c - civil_weekday(first), 7) +
		    (r->b - 1) * 7;
		last = civil_month_days(y, r->a);
		while (day >= first + last)
			day -= 7;
		return day;
	}
}

/* The instant (seconds) of rule r in year y, off being in force before. */
static int64_t
rule_at(const struct prule *r, int64_t y, int32_t off)
{
	return rule_day(r, y) * CIVIL_S_PER_DAY + r->secs - off;
}

/*
 * Append the transitions of TZ string pz for years y0..y1 that are later
 * than the table's last. DST periods are listed per year ([start, end)
 * in the north, [start, next year's end) in the south), merged where
 * they touch (a zone on DST all year: "EST5EDT,0/0,J365/25"), and each
 * merged period gives one transition in and one out.
 */
static int
footer_extend(struct tz *z, const struct posix_tz *pz, int64_t y0,
    int64_t y1)
{
	int64_t	 y, s, e, cs = 0, ce = 0;
	int	 std, dst, open = 0;

	if ((std = type_add(z, pz->std_off, 0, pz->std)) == -1)
		return -1;
	if (!pz->has_dst)
		return 0;	/* the last transition's type goes on */
	if ((dst = type_add(z, pz->dst_off, 1, pz->dst)) == -1)
		return -1;
	for (y = y0 - 1; y <= y1; y++) {
		s = rule_at(&pz->start, y, pz->std_off);
		e = rule_at(&pz->end, y, pz->dst_off);
		if (e <= s)
			e = rule_at(&pz->end, y + 1, pz->dst_off);
		if (open && s <= ce) {
			if (e > ce)
				ce = e;
			continue;
		}
		if (open && (trans_add(z, cs, dst) == -1 ||
		    trans_add(z, ce, std) == -1))
			return -1;
		cs = s;
		ce = e;
		open = 1;
	}
	if (open && (trans_add(z, cs, dst) == -1 ||
	    trans_add(z, ce, std) == -1))
		return -1;
	return 0;
}

/* Set the folding window: TZ_FOOTER_YEARS of footer from year y0 on. */
static void
set_fold(struct tz *z, int64_t y0, int low)
{
	z->fold_start = civil_days(y0 + 1, 1, 1) * CIVIL_MS_PER_DAY;
	z->fold_end = z->fold_start + TZ_CYCLE_MS;
	z->fold_low = low;
}

/* Build off[] and wall[] from the finished table. */
static int
tz_finish(struct tz *z)
{
	size_t	 i;

	if ((z->off = calloc(z->n + 1, sizeof(*z->off))) == NULL ||
	    (z->wall = calloc(z->n + 1, sizeof(*z->wall))) == NULL)
		return -1;
	z->off[0] = (int64_t)z->types[0].utoff * 1000;
	for (i = 0; i < z->n; i++) {
		z->off[i + 1] = (int64_t)z->types[z->idx[i]].utoff * 1000;
		z->wall[i] = z->at[i] * 1000 + z->off[i];
	}
	return 0;
}

struct tz *
tz_from_posix(const char *spec, char *err, size_t errlen)
{
	struct posix_tz	 pz;
	struct tz	*z;

	if (posix_parse(spec, &pz) == -1) {
		seterr(err, errlen, "\"%s\" is not a POSIX TZ string", spec);
		return NULL;
	}
	if ((z = tz_new(spec)) == NULL)
		goto nomem;
	/* Type 0 (before any transition) is standard time. */
	if (type_add(z, pz.std_off, 0, pz.std) == -1 ||
	    footer_extend(z, &pz, 1969, 1969 + TZ_FOOTER_YEARS) == -1 ||
	    tz_finish(z) == -1)
		goto nomem;
	if (pz.has_dst)
		set_fold(z, 1969, 1);
	return z;
nomem:
	tz_free(z);
	seterr(err, errlen, "out of memory");
	return NULL;
}

/* ------------------------------------------------------------ TZif */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	int		 version;	/* 1, 2, 3, 4 */
	uint32_t	 isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int
hdr_read(const unsigned char *p, size_t len, struct tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	h->version = p[4] == 0 ? 1 : p[4] >= '2' && p[4] <= '9' ?
	    p[4] - '0' : -1;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return h->version == -1 ? -1 : 0;
}

/* Bytes of the data block after a header, for time size tsz (4 or 8). */
static size_t
block_size(const struct tzif_hdr *h, size_t tsz)
{
	return h->timecnt * (tsz + 1) + h->typecnt * 6 + h->charcnt +
	    h->leapcnt * (tsz + 4) + h->isstdcnt + h->isutcnt;
}

static const char *
block_read(struct tz *z, const struct tzif_hdr *h, const unsigned char *p,
    size_t tsz)
{
	const unsigned char	*times = p, *idx, *tt, *chars;
	const char		*abbr;
	size_t			 i;
	int64_t			 at, prev = INT64_MIN;
	int32_t			 utoff;

	if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
		return "is corrupt (no local time types)";
	if (h->timecnt > TZIF_MAX_TIMES)
		return "has too many transitions";
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt))
		return "is corrupt (indicator counts)";
	if (h->leapcnt != 0)
		return "counts leap seconds (a right/ zone); use the zone "
		    "without right/";
	idx = times + h->timecnt * tsz;
	tt = idx + h->timecnt;
	chars = tt + h->typecnt * 6;
	if ((z->types = calloc(h->typecnt, sizeof(*z->types))) == NULL)
		return "out of memory";
	for (i = 0; i < h->typecnt; i++) {
		utoff = (int32_t)be32(tt + i * 6);
		if (utoff <= -TZ_UTOFF_MAX || utoff >= TZ_UTOFF_MAX ||
		    tt[i * 6 + 4] > 1 || tt[i * 6 + 5] >= h->charcnt)
			return "is corrupt (local time types)";
		abbr = (const char *)chars + tt[i * 6 + 5];
		if (memchr(abbr, '\0', h->charcnt - tt[i * 6 + 5]) == NULL)
			return "is corrupt (abbreviations)";
		/* The file's type numbers stay: transitions name them. */
		z->types[i].utoff = utoff;
		z->types[i].isdst = tt[i * 6 + 4];
		snprintf(z->types[i].abbr, TZ_ABBR_MAX, "%s", abbr);
	}
	z->ntypes = h->typecnt;
	for (i = 0; i < h->timecnt; i++) {
		at = tsz == 8 ? be64(times + i * 8) :
		    (int64_t)(int32_t)be32(times + i * 4);
		if (idx[i] >= h->typecnt)
			return "is corrupt (type index)";
		if (at <= prev)
			return "is corrupt (transitions out of order)";
		prev = at;
		if (trans_add(z, at, idx[i]) == -1)
			return "out of memory";
	}
	return NULL;
}

struct tz *
tz_from_tzif(const char *name, const unsigned char *buf, size_t len,
    char *err, size_t errlen)
{
	struct tzif_hdr		 h;
	struct posix_tz		 pz;
	struct tz		*z;
	const unsigned char	*p = buf, *end = buf + len, *nl;
	const char		*why;
	char			 footer[128];
	size_t			 tsz = 4, bs;
	int64_t			 y;
	int			 m, d;

	if (hdr_read(p, len, &h) == -1) {
		seterr(err, errlen, "%s: not a TZif time zone file", name);
		return NULL;
	}
	if (h.version >= 2) {
		/* Skip the 32-bit data that only old readers need. */
		bs = block_size(&h, 4);
		if (h.timecnt > TZIF_MAX_TIMES || h.typecnt > 256 ||
		    bs > len - 44 || hdr_read(p + 44 + bs, len - 44 - bs,
		    &h) == -1) {
			seterr(err, errlen, "%s: TZif file is truncated",
			    name);
			return NULL;
		}
		p += 44 + bs;
		tsz = 8;
	}
	bs = block_size(&h, tsz);
	if (h.timecnt > TZIF_MAX_TIMES || h.typecnt > 256 ||
	    h.charcnt > 65536 || h.leapcnt > 65536 ||
	    bs > (size_t)(end - p) - 44) {
		seterr(err, errlen, "%s: TZif file is truncated", name);
		return NULL;
	}
	if ((z = tz_new(name)) == NULL) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	if ((why = block_read(z, &h, p + 44, tsz)) != NULL) {
		seterr(err, errlen, "%s: TZif file %s", name, why);
		tz_free(z);
		return NULL;
	}
	p += 44 + bs;
	if (tsz == 4)
		goto done;

	/* The footer: "\nTZ string\n"; empty when the table is all. */
	if (p == end || *p != '\n' ||
	    (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) == NULL ||
	    (size_t)(nl - p - 1) >= sizeof(footer)) {
		seterr(err, errlen, "%s: TZif file has a bad footer", name);
		tz_free(z);
		return NULL;
	}
	memcpy(footer, p + 1, (size_t)(nl - p - 1));
	footer[nl - p - 1] = '\0';
	if (footer[0] == '\0')
		goto done;
	if (posix_parse(footer, &pz) == -1) {
		seterr(err, errlen, "%s: TZif footer \"%s\" is not a TZ "
		    "string", name, footer);
		tz_free(z);
		return NULL;
	}
	y = 1969;
	if (z->n > 0)
		civil_from_days(civil_fdiv(z->at[z->n - 1], CIVIL_S_PER_DAY),
		    &y, &m, &d);
	if (footer_extend(z, &pz, y, y + TZ_FOOTER_YEARS) == -1) {
		seterr(err, errlen, "out of memory");
		tz_free(z);
		return NULL;
	}
	if (pz.has_dst)
		set_fold(z, y, 0);
done:
	if (tz_finish(z) == -1) {
		seterr(err, errlen, "out of memory");
		tz_free(z);
		return NULL;
	}
	return z;
}

struct tz *
tz_load(const char *dir, const char *name, char *err, size_t errlen)
{
	struct stat	 st;
	struct tz	*z = NULL;
	unsigned char	*buf = NULL;
	const char	*why;
	char		 path[1024];
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	if ((why = tz_name_check(name)) != NULL) {
		seterr(err, errlen, "\"%s\" %s", name, why);
		return NULL;
	}
	if (dir == NULL)
		dir = TZ_DEFAULT_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		seterr(err, errlen, "%s/%s: path too long", dir, name);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			seterr(err, errlen, "unknown time zone \"%s\" (no "
			    "%s)", name, path);
		else
			seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZIF_MAX_SIZE) {
		seterr(err, errlen, "unknown time zone \"%s\" (%s is not a "
		    "zone file)", name, path);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			seterr(err, errlen, "%s: %s", path, r == 0 ?
			    "short read" : strerror(errno));
			goto out;
		}
		n += (size_t)r;
	}
	z = tz_from_tzif(name, buf, n, err, errlen);
out:
	free(buf);
	close(fd);
	return z;
}

/* ------------------------------------------------------------ lookups */

/* The number of whole 400-year cycles to move ms by, usually 0. */
static int64_t
fold_k(const struct tz *z, int64_t ms)
{
	if (z->fold_end == z->fold_start)
		return 0;
	if (ms >= z->fold_end || (z->fold_low && ms < z->fold_start))
		return civil_fdiv(ms - z->fold_start, TZ_CYCLE_MS);
	return 0;
}

/* The last transition at or before second s; -1 when none. */
static ssize_t
seg(const struct tz *z, int64_t s)
{
	size_t	 lo = 0, hi = z->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

static const struct tz_type *
type_of(const struct tz *z, ssize_t i)
{
	return &z->types[i < 0 ? 0 : z->idx[i]];
}

int32_t
tz_utoff(const struct tz *z, int64_t utc_ms)
{
	utc_ms -= fold_k(z, utc_ms) * TZ_CYCLE_MS;
	return type_of(z, seg(z, civil_fdiv(utc_ms, 1000)))->utoff;
}

int64_t
tz_local_ms(const struct tz *z, int64_t utc_ms)
{
	return utc_ms + (int64_t)tz_utoff(z, utc_ms) * 1000;
}

int64_t
tz_local_max_ms(const struct tz *z, int64_t utc_ms)
{
	int64_t	 k, t, m, before;
	ssize_t	 i;

	k = fold_k(z, utc_ms);
	t = utc_ms - k * TZ_CYCLE_MS;
	i = seg(z, civil_fdiv(t, 1000));
	m = t + z->off[i + 1];
	/* The wall clock just before transition i may be later. */
	if (i >= 0 && (before = z->wall[i] - 1) > m)
		m = before;
	return m + k * TZ_CYCLE_MS;
}

void
tz_localtime(const struct tz *z, int64_t utc_ms, struct tz_tm *out)
{
	const struct tz_type	*tt;
	int64_t			 k, t, local, day, msday;

	k = fold_k(z, utc_ms);
	t = utc_ms - k * TZ_CYCLE_MS;
	tt = type_of(z, seg(z, civil_fdiv(t, 1000)));
	local = utc_ms + (int64_t)tt->utoff * 1000;
	day = civil_fdiv(local, CIVIL_MS_PER_DAY);
	msday = local - day * CIVIL_MS_PER_DAY;
	civil_from_days(day, &out->year, &out->mon, &out->mday);
	out->hour = (int)(msday / 3600000);
	out->min = (int)(msday / 60000 % 60);
	out->sec = (int)(msday / 1000 % 60);
	out->ms = (int)(msday % 1000);
	out->wday = civil_weekday(day);
	out->utoff = tt->utoff;
	out->isdst = tt->isdst;
	out->abbr = tt->abbr;
}

/*
 * The first instant whose wall clock reaches x. Segment i (from at[i] to
 * at[i+1]) shows wall times below wall[i+1]; the answer lies in the
 * first segment that gets past x: the instant x - its offset, or at[i]
 * itself when x fell in the gap before it. That is the policy: gap ->
 * first instant after it, ambiguous -> first occurrence.
 */
int64_t
tz_utc_ms(const struct tz *z, int64_t local_ms, enum tz_kind *kind)
{
	enum tz_kind	 kd = TZ_UNIQUE;
	int64_t		 k, x, t;
	size_t		 lo = 0, hi = z->n, mid;

	k = fold_k(z, local_ms);
	x = local_ms - k * TZ_CYCLE_MS;
	/* lo = how many transitions the wall clock has passed at x. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->wall[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	t = x - z->off[lo];
	if (lo > 0 && t < z->at[lo - 1] * 1000) {
		t = z->at[lo - 1] * 1000;
		kd = TZ_GAP;
	} else if (lo < z->n && x >= z->at[lo] * 1000 + z->off[lo + 1])
		kd = TZ_AMBIGUOUS;
	if (kind != NULL)
		*kind = kd;
	return t + k * TZ_CYCLE_MS;
}

int64_t
tz_mktime(const struct tz *z, int64_t year, int mon, int mday, int hour,
    int min, int sec, enum tz_kind *kind)
{
	int64_t	 y = year + civil_fdiv(mon - 1, 12);
	int	 m = (int)civil_fmod(mon - 1, 12) + 1;

	return tz_utc_ms(z, (civil_days(y, m, 1) + mday - 1) *
	    CIVIL_MS_PER_DAY + ((int64_t)hour * 3600 + (int64_t)min * 60 +
	    sec) * 1000, kind);
}
