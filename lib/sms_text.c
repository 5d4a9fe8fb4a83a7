/*
 * lib/sms_text.c — GSM 03.38 character counting and the page text that
 * fits the segments allowed. The alphabet tables are 3GPP TS 23.038
 * section 6.2.1 (default alphabet and its extension table) in Unicode.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms_text.h"
#include "utf8.h"

#define GSM_SINGLE	160
#define GSM_PART	153	/* 7 septets go to the concatenation header */
#define UCS_SINGLE	70
#define UCS_PART	67

/* More summary than this never fits in SMS_MAX_SEGMENTS. */
#define MAX_CHARS	(SMS_MAX_SEGMENTS * GSM_PART)
#define FIELD_MAX	16

/* The non-ASCII characters of the GSM 03.38 default alphabet, sorted. */
static const uint16_t gsm_basic_high[] = {
	0x00a1, 0x00a3, 0x00a4, 0x00a5, 0x00a7, 0x00bf, 0x00c4, 0x00c5,
	0x00c6, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00d8, 0x00dc, 0x00df,
	0x00e0, 0x00e4, 0x00e5, 0x00e6, 0x00e8, 0x00e9, 0x00ec, 0x00f1,
	0x00f2, 0x00f6, 0x00f8, 0x00f9, 0x00fc, 0x0393, 0x0394, 0x0398,
	0x039b, 0x039e, 0x03a0, 0x03a3, 0x03a6, 0x03a8, 0x03a9,
};

static int
u16_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Septets cp takes in GSM-7: 1 (default alphabet), 2 (escape to the
 * extension table), or 0 when it has no GSM-7 form. */
static int
gsm_width(uint32_t cp)
{
	uint16_t	 c;

	if (cp < 0x80) {
		if (cp == '\n' || cp == '\r')
			return 1;
		if (cp < 0x20 || cp == 0x7f || cp == '`')
			return 0;
		if (strchr("^{}\\[~]|", (int)cp) != NULL)
			return 2;
		return 1;
	}
	if (cp == 0x20ac)	/* € */
		return 2;
	if (cp > 0x03a9)
		return 0;
	c = (uint16_t)cp;
	return bsearch(&c, gsm_basic_high, sizeof(gsm_basic_high) /
	    sizeof(gsm_basic_high[0]), sizeof(c), u16_cmp) != NULL;
}

static int
ucs_width(uint32_t cp)
{
	return cp > 0xffff ? 2 : 1;
}

void
sms_measure(const char *text, size_t len, struct sms_info *out)
{
	size_t		 i, n, units = 0, cur = 0;
	uint32_t	 cp;
	int		 gsm = 1, w, segs = 1;
	size_t		 single, part;

	for (i = 0; i < len && gsm; i += n) {
		n = utf8_decode(text + i, len - i, &cp);
		gsm = gsm_width(cp) != 0;
	}
	single = gsm ? GSM_SINGLE : UCS_SINGLE;
	part = gsm ? GSM_PART : UCS_PART;
	for (i = 0; i < len; i += n) {
		n = utf8_decode(text + i, len - i, &cp);
		units += (size_t)(gsm ? gsm_width(cp) : ucs_width(cp));
	}
	if (units > single) {
		for (i = 0; i < len; i += n) {
			n = utf8_decode(text + i, len - i, &cp);
			w = gsm ? gsm_width(cp) : ucs_width(cp);
			if (cur + (size_t)w > part) {
				segs++;
				cur = 0;
			}
			cur += (size_t)w;
		}
	}
	out->encoding = gsm ? SMS_GSM7 : SMS_UCS2;
	out->units = units;
	out->segments = segs;
}

/*
 * Typographic characters with an ASCII look-alike: what word processors
 * and chat tools put into alert text. Left as they are, one of them
 * makes the whole SMS UCS-2 and cuts its room from 160 to 70.
 */
static const char *
look_alike(uint32_t cp)
{
	switch (cp) {
	case '`':
	case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
		return "'";
	case 0x00ab: case 0x00bb:
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
		return "\"";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	case UTF8_REPLACEMENT:	/* and every invalid byte */
		return "?";
	}
	return NULL;
}

/*
 * The summary as code points, made safe (see sms_text.h). Returns how
 * many were stored (at most MAX_CHARS); *more says whether text was
 * left over.
 */
static size_t
clean_summary(const char *s, uint32_t *cps, int *more)
{
	size_t		 len = s != NULL ? strlen(s) : 0, i, n, k = 0;
	uint32_t	 cp;
	const char	*alike;
	int		 space = 0;

	*more = 0;
	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		if (utf8_is_space(cp)) {
			space = k > 0;
			continue;
		}
		if (utf8_is_control(cp))
			continue;
		alike = look_alike(cp);
		if (k + (size_t)space + (alike ? strlen(alike) : 1) >
		    MAX_CHARS) {
			*more = 1;
			break;
		}
		if (space)
			cps[k++] = ' ';
		space = 0;
		if (alike != NULL)
			while (*alike != '\0')
				cps[k++] = (unsigned char)*alike++;
		else
			cps[k++] = cp;
	}
	return k;
}

/* [A-Za-z0-9_-] of s, upper-cased, at most FIELD_MAX; "" for NULL. */
static void
clean_field(const char *s, char *dst)
{
	size_t	 n = 0;

	for (; s != NULL && *s != '\0' && n < FIELD_MAX; s++) {
		char	 c = *s;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			dst[n++] = c;
	}
	dst[n] = '\0';
}

struct out {
	char	*buf;
	size_t	 size, len;
	int	 overflow;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->len + n >= o->size) {
		o->overflow = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static int
terminal(uint32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?';
}

int
sms_page_text(const struct sms_page *page, char *buf, size_t size,
    struct sms_info *info)
{
	uint32_t	 cps[MAX_CHARS];
	uint16_t	 gsm_sum[MAX_CHARS + 1], ucs_sum[MAX_CHARS + 1];
	char		 head[64 + 2 * FIELD_MAX], tail[64];
	char		 sev[FIELD_MAX + 1], status[FIELD_MAX + 1], u8[4];
	size_t		 n, k, i, first_bad, fixed;
	int		 nseg = page->max_segments == 0 ? 1 :
			    page->max_segments, more, w;
	struct sms_info	 got;
	struct out	 o;

	if (size > 0)
		buf[0] = '\0';
	if (nseg < 1 || nseg > SMS_MAX_SEGMENTS)
		return -1;
	clean_field(page->severity, sev);
	clean_field(page->status, status);
	/* No incident (information only): no "#0", the text alone. */
	if (page->incident_id == 0 && sev[0] == '\0' && status[0] == '\0')
		head[0] = '\0';
	else
		snprintf(head, sizeof(head), "#%lld%s%s%s%s",
		    page->incident_id, sev[0] ? " " : "", sev,
		    status[0] ? " " : "", status);
	tail[0] = '\0';
	if (page->reply_code > 0)
		snprintf(tail, sizeof(tail), "Reply %da ack, %dr resolve",
		    page->reply_code, page->reply_code);
	fixed = strlen(head) + strlen(tail);

	n = clean_summary(page->summary, cps, &more);
	first_bad = n;
	gsm_sum[0] = ucs_sum[0] = 0;
	for (i = 0; i < n; i++) {
		if ((w = gsm_width(cps[i])) == 0 && first_bad == n)
			first_bad = i;
		gsm_sum[i + 1] = (uint16_t)(gsm_sum[i] + w);
		ucs_sum[i + 1] = (uint16_t)(ucs_sum[i] + ucs_width(cps[i]));
	}

	/* The longest summary prefix whose text fits. */
	for (k = n + 1; k-- > 0; ) {
		int	 cut = k < n || more, gsm = k <= first_bad;
		size_t	 cost, cap;

		if (cut && k > 0 && ((k < n &&
		    utf8_is_continuation(cps[k])) || cps[k - 1] == ' ' ||
		    cps[k - 1] == 0x200d))
			continue;
		cost = fixed + (k > 0 ? 1 + (size_t)(gsm ? gsm_sum[k] :
		    ucs_sum[k]) : 0);
		if (cut && k > 0)
			cost += gsm ? 3 : 1;
		if (tail[0] != '\0')
			cost += k > 0 && (cut || terminal(cps[k - 1])) ? 1 : 2;
		cap = gsm ? (nseg == 1 ? GSM_SINGLE : GSM_PART * nseg) :
		    (nseg == 1 ? UCS_SINGLE : UCS_PART * nseg);
		if (cost > cap)
			continue;

		memset(&o, 0, sizeof(o));
		o.buf = buf;
		o.size = size;
		put_str(&o, head);
		if (k > 0) {
			if (head[0] != '\0')
				put(&o, " ", 1);
			for (i = 0; i < k; i++)
				put(&o, u8, utf8_encode(cps[i], u8));
			if (cut)
				put_str(&o, gsm ? "..." : "\xe2\x80\xa6");
		}
		if (tail[0] != '\0') {
			put_str(&o, k > 0 && (cut || terminal(cps[k - 1])) ?
			    " " : ". ");
			put_str(&o, tail);
		}
		if (o.overflow) {
			if (size > 0)
				buf[0] = '\0';
			return -1;
		}
		/* Two-unit characters at a part boundary can need one more
		 * part than the arithmetic says: measure what was built. */
		sms_measure(buf, o.len, &got);
		if (got.segments > nseg)
			continue;
		if (info != NULL)
			*info = got;
		return 0;
	}
	/* Not reached: the head and tail alone are short ASCII. */
	if (size > 0)
		buf[0] = '\0';
	return -1;
}
