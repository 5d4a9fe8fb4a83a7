/*
 * lib/reply_answer.c — the texts pagerd answers an SMS reply with, and
 * the person/phone checks the reply handler makes. Everything that goes
 * back by SMS is kept to one segment where the content allows it: an
 * answer split in two may arrive out of order, and costs twice.
 */
#include "autoconf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reply_answer.h"
#include "rota.h"
#include "sms_text.h"
#include "timefmt.h"
#include "utf8.h"

#define TITLE_MAX	200	/* bytes of title kept before fitting */
#define MORE_MAX	20	/* "(+999 more rotas)" */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

int
reply_phone_norm(const char *in, char *out, size_t size)
{
	size_t	 n = 0;

	if (size == 0)
		return -1;
	for (; *in != '\0'; in++) {
		if (is_blank(*in))
			continue;
		if (n + 1 >= size) {
			out[0] = '\0';
			return -1;
		}
		out[n++] = *in;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

void
reply_phone_mask(const char *in, char *out, size_t size)
{
	size_t	 len = strlen(in), keep = len < 4 ? len : 4, stars, n = 0, i;

	if (size == 0)
		return;
	stars = len - keep > 16 ? 16 : len - keep;
	for (i = 0; i < stars && n + 1 < size; i++)
		out[n++] = '*';
	for (i = len - keep; i < len && n + 1 < size; i++)
		out[n++] = (in[i] >= '0' && in[i] <= '9') || in[i] == '+' ?
		    in[i] : '?';
	out[n] = '\0';
}

/*
 * The title as one clean line of at most TITLE_MAX bytes: control
 * characters dropped, white space runs made one space, invalid UTF-8
 * made '?'. Returns its length.
 */
static size_t
clean_title(const char *s, char *dst)
{
	size_t		 len = strlen(s), i, n, k = 0;
	uint32_t	 cp;
	int		 space = 0;

	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		if (utf8_is_space(cp)) {
			space = k > 0;
			continue;
		}
		if (utf8_is_control(cp))
			continue;
		if (cp == UTF8_REPLACEMENT)
			cp = '?';
		if (k + (size_t)space + 4 > TITLE_MAX)
			break;
		if (space)
			dst[k++] = ' ';
		space = 0;
		k += utf8_encode(cp, dst + k);
	}
	dst[k] = '\0';
	return k;
}

/* Does head + text fit one SMS? */
static int
fits_one(const char *s)
{
	struct sms_info	 info;

	sms_measure(s, strlen(s), &info);
	return info.segments == 1;
}

/*
 * head, sep and title, the title cut on a character boundary (not
 * before a combining mark) until the whole is one SMS. The head alone
 * is short ASCII and always fits.
 */
static int
head_and_title(char *buf, size_t size, const char *head, const char *sep,
    const char *title)
{
	char		 t[TITLE_MAX + 1];
	size_t		 tl = title != NULL ? clean_title(title, t) : 0, k;
	uint32_t	 cp;

	if (tl == 0) {
		if ((size_t)snprintf(buf, size, "%s", head) >= size)
			goto small;
		return 0;
	}
	if ((size_t)snprintf(buf, size, "%s%s%s", head, sep, t) >= size)
		goto small;
	if (fits_one(buf))
		return 0;
	for (k = tl; k > 0; k--) {
		if (k < tl) {
			(void)utf8_decode(t + k, tl - k, &cp);
			if ((t[k] & 0xc0) == 0x80 || utf8_is_continuation(cp))
				continue;
		}
		if (t[k - 1] == ' ')
			continue;
		if ((size_t)snprintf(buf, size, "%s%s%.*s...", head, sep,
		    (int)k, t) >= size)
			goto small;
		if (fits_one(buf))
			return 0;
	}
	if ((size_t)snprintf(buf, size, "%s", head) >= size)
		goto small;
	return 0;
small:
	if (size > 0)
		buf[0] = '\0';
	return -1;
}

int
reply_answer_act(char *buf, size_t size, enum reply_verb verb,
    enum reply_result res, long long id, int code, const char *title,
    const char *status, int64_t ack_for_s)
{
	char		 head[64], dur[32];
	const char	*done;

	switch (res) {
	case REPLY_RES_NOT_FOUND:
		if (code > 0)
			snprintf(head, sizeof(head), "No open page %d. Reply "
			    "help", code);
		else
			snprintf(head, sizeof(head), "No open page. Reply "
			    "help");
		return head_and_title(buf, size, head, "", NULL);
	case REPLY_RES_FAILED:
		return head_and_title(buf, size, REPLY_FAILED_TEXT, "", NULL);
	case REPLY_RES_ALREADY:
		if (status != NULL && strcmp(status, "resolved") == 0)
			snprintf(head, sizeof(head), "#%lld is already "
			    "resolved", id);
		else if (verb == REPLY_ESCALATE && (status == NULL ||
		    strcmp(status, "acknowledged") != 0))
			snprintf(head, sizeof(head), "#%lld has no next step "
			    "to escalate to", id);
		else if (verb == REPLY_RESOLVE)
			snprintf(head, sizeof(head), "#%lld is already "
			    "resolved", id);
		else
			snprintf(head, sizeof(head), "#%lld is already "
			    "acknowledged", id);
		return head_and_title(buf, size, head, ": ", title);
	case REPLY_RES_DONE:
		break;
	}
	switch (verb) {
	case REPLY_ACK:
		done = "Acknowledged";
		break;
	case REPLY_RESOLVE:
		done = "Resolved";
		break;
	case REPLY_ESCALATE:
		done = "Escalated";
		break;
	default:
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	if (verb == REPLY_ACK && ack_for_s > 0) {
		duration_format(ack_for_s * 1000, dur, sizeof(dur));
		snprintf(head, sizeof(head), "%s #%lld for %s", done, id, dur);
		return head_and_title(buf, size, head, ": ", title);
	}
	snprintf(head, sizeof(head), "%s #%lld", done, id);
	return head_and_title(buf, size, head, " ", title);
}

int
reply_answer_ack_all(char *buf, size_t size, const long long *done,
    size_t ndone, size_t nalready, size_t nfailed, int64_t ack_for_s)
{
	char	 text[REPLY_ANSWER_SIZE], tail[96], dur[32];
	size_t	 i, len;
	int	 w;

	tail[0] = '\0';
	if (ndone > 0 && ack_for_s > 0) {
		duration_format(ack_for_s * 1000, dur, sizeof(dur));
		snprintf(tail, sizeof(tail), " for %s", dur);
	}
	/* Pages acknowledged before are news only when nothing else is. */
	if (nalready > 0 && ndone == 0)
		snprintf(tail, sizeof(tail), "Your %zu open page%s %s "
		    "already acknowledged", nalready, nalready == 1 ? "" : "s",
		    nalready == 1 ? "was" : "were");
	if (nfailed > 0)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		    "%s%zu failed, try again", tail[0] || ndone > 0 ? "; " :
		    "", nfailed);

	if (ndone == 0 && tail[0] == '\0')
		snprintf(text, sizeof(text), "No open pages");
	else if (ndone == 0)
		snprintf(text, sizeof(text), "%s", tail);
	else {
		len = (size_t)snprintf(text, sizeof(text), "Acknowledged");
		for (i = 0; i < ndone && len < sizeof(text); i++) {
			w = snprintf(text + len, sizeof(text) - len, "%s #%lld",
			    i > 0 ? "," : "", done[i]);
			len += (size_t)w;
		}
		if (len < sizeof(text))
			snprintf(text + len, sizeof(text) - len, "%s", tail);
		if (len >= sizeof(text) || !fits_one(text))
			snprintf(text, sizeof(text), "Acknowledged %zu pages%s",
			    ndone, tail);
	}
	if ((size_t)snprintf(buf, size, "%s", text) >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

int
reply_rota_has(const struct rota_spec *r, const char *person)
{
	size_t	 l, y, m;

	for (l = 0; l < r->n_levels; l++)
		for (y = 0; y < r->levels[l].n_layers; y++) {
			const struct rota_layer_spec *ly =
			    &r->levels[l].layers[y];

			for (m = 0; m < ly->n_members; m++)
				if (ly->members[m] != NULL &&
				    strcmp(ly->members[m], person) == 0)
					return 1;
		}
	for (m = 0; m < r->n_overrides; m++)
		if ((r->overrides[m].person != NULL &&
		    strcmp(r->overrides[m].person, person) == 0) ||
		    (r->overrides[m].covers != NULL &&
		    strcmp(r->overrides[m].covers, person) == 0))
			return 1;
	return 0;
}

/* Is person the one who covers in one of the run-time overrides? */
static int
extra_has(const struct rota_set *set, const struct rota_override *v,
    size_t n, const char *person)
{
	const struct rota_person	*p;
	size_t				 i;

	for (i = 0; i < n; i++)
		if ((p = rota_set_person(set, v[i].person)) != NULL &&
		    strcmp(p->id, person) == 0)
			return 1;
	return 0;
}

/* "db: primary anna, secondary lotte" into line. */
static void
who_line(const struct rota *r, const struct rota_override *extra,
    size_t nextra, int64_t now_ms, char *line, size_t size)
{
	struct rota_answer	 a;
	size_t			 len;
	int			 lv;

	len = (size_t)snprintf(line, size, "%s:", rota_id(r));
	for (lv = 1; lv <= rota_levels(r) && len < size; lv++) {
		const char	*who = "nobody";

		if (rota_resolve_with(r, extra, nextra, lv, now_ms, &a) == 0 &&
		    a.who != NULL)
			who = a.who->id;
		len += (size_t)snprintf(line + len, size - len, "%s %s %s",
		    lv > 1 ? "," : "", rota_level_name(r, lv), who);
	}
}

int
reply_answer_who(char *buf, size_t size, const struct rota_set_spec *spec,
    const struct rota_set *set, const struct rota_extra *ex,
    const char *person, int64_t now_ms)
{
	char				 line[256], more[48];
	size_t				 i, len = 0, shown = 0, mine = 0;
	size_t				 nextra;
	const struct rota		*r;
	const struct rota_override	*extra;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < spec->n_rotas; i++) {
		if (spec->rotas[i].id == NULL ||
		    (r = rota_set_find(set, spec->rotas[i].id)) == NULL)
			continue;
		extra = rota_extra_of(ex, r, &nextra);
		if (!reply_rota_has(&spec->rotas[i], person) &&
		    !extra_has(set, extra, nextra, person))
			continue;
		mine++;
		who_line(r, extra, nextra, now_ms, line, sizeof(line));
		/* Room for this line and a "(+N more rotas)" after it. */
		if (shown == mine - 1 && len + 1 + strlen(line) + 1 +
		    MORE_MAX < size) {
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len > 0 ? "\n" : "", line);
			shown++;
		}
	}
	if (mine == 0) {
		if ((size_t)snprintf(buf, size, "You are on no rota.") >= size)
			goto small;
		return 0;
	}
	if (shown < mine) {
		snprintf(more, sizeof(more), "(+%zu more rota%s)",
		    mine - shown, mine - shown == 1 ? "" : "s");
		if (len + 1 + strlen(more) >= size)
			goto small;
		snprintf(buf + len, size - len, "%s%s", len > 0 ? "\n" : "",
		    more);
	}
	return 0;
small:
	buf[0] = '\0';
	return -1;
}
