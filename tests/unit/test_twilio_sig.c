/*
 * tests/unit/test_twilio_sig.c — lib/twilio_sig.c: form parsing and
 * X-Twilio-Signature against signatures computed by Twilio's own
 * helper library, python3-twilio 7.7.1 (Debian 12):
 *
 *   /usr/bin/python3 -c 'from urllib.parse import parse_qsl
 *   from twilio.request_validator import RequestValidator as V
 *   print(V(TOKEN).compute_signature(URL,
 *       dict(parse_qsl(BODY, keep_blank_values=True))))'
 *
 * The first row is the example in Twilio's security documentation.
 * 7.7.1 takes a dict, so for repeated names the pairs were passed as a
 * list subclass whose items() returns itself: 7.7.1 then signs
 * sorted(pairs), by name and then value, which is what twilio-python >=
 * 8 and twilio-node do for repeated names.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "twilio_sig.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define SMS_BODY							\
	"ToCountry=US&ToState=CA"					\
	"&SmsMessageSid=SM5f0c2b6a3c1e4e0fa3d0c7f1b2a9e8d7"		\
	"&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105"		\
	"&SmsSid=SM5f0c2b6a3c1e4e0fa3d0c7f1b2a9e8d7"			\
	"&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO"	\
	"&Body=3a+thanks&FromCountry=US&To=%2B15551230000&ToZip="	\
	"&NumSegments=1&ReferralNumMedia=0"				\
	"&MessageSid=SM5f0c2b6a3c1e4e0fa3d0c7f1b2a9e8d7"		\
	"&AccountSid=ACae5b1f6d2c7e4a0b9c8d7e6f5a4b3c2d"		\
	"&From=%2B15551230001&ApiVersion=2010-04-01"
#define HOOK	"https://pagerd.example.com/hooks/sms"

static const struct vec {
	const char	*what;
	const char	*token;
	const char	*url;
	const char	*body;
	const char	*sig;
} vecs[] = {
	{ "Twilio's documented example", "12345",
	  "https://mycompany.com/myapp.php?foo=1&bar=2",
	  "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234"
	  "&From=%2B12349013030&To=%2B18005551212",
	  "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
	{ "an inbound SMS as Twilio posts it",
	  "0123456789abcdef0123456789abcdef", HOOK "/oncall", SMS_BODY,
	  "RGB7tNfOv6zW8SaODrIWkvSQ9ZU=" },
	{ "emoji in the body", "tok", HOOK,
	  "Body=%F0%9F%91%8D+3a&From=%2B33612345678",
	  "k3+polhL3+qLqgItfZ5et7qOtWc=" },
	{ "accented Latin", "tok", HOOK,
	  "Body=r%C3%A9solu+%C4%99&From=%2B48123456789",
	  "LKgyNkJsgPLIFqbceJUOvOIQVy8=" },
	{ "escaped & = + % and + as space", "tok", HOOK,
	  "Body=a%26b%3Dc%2Bd+e%25f&From=x",
	  "VEC4/SzfxrrVQ6Wckv+Z7b+ls40=" },
	{ "bytewise case-sensitive name order", "tok", HOOK,
	  "b=1&a=2&B=3&_x=4&A=5",
	  "SUQ3kwOJfJ+JpstiX8Jq0YdHcYo=" },
	{ "sorted by name, not by name+value", "tok", HOOK,
	  "ReasonConferenceEnded=participant-left&Reason=Participant",
	  "8hSLdF2wPS8E3f9rrvacaYdscis=" },
	{ "no parameters: the URL alone", "tok", HOOK, "",
	  "A7LFrKKuzfrRua2HGKimUGeAQt0=" },
	{ "query string is part of the URL", "tok",
	  HOOK "?instance=oncall&x=1", "Body=3r",
	  "T3Lgbliln9ZQh7VBCfd0xxOjdfo=" },
	{ "empty value and a name without '='", "tok", HOOK, "Body=&Flag",
	  "NhYANyhVhKPVNy8JUqxYbbiHZ+s=" },
	{ "stray '%' kept as it is", "tok", HOOK, "Body=100%+sure&Pct=%zz%4",
	  "fu3UkWlrMwsiA2pARxZoe/HuA9Y=" },
	{ "repeated name: values sorted, exact repeat once", "tok",
	  "https://h.example/x", "A=2&B=0&A=1&A=2",
	  "zXO2OQLmhx2pBJPCdJ2W8/KLeO8=" },
	{ "empty pairs skipped", "tok", HOOK, "&&Body=3r&&",
	  "AYN8uJDO21xro2UXLCd1/giI+7E=" },
};

static void
test_signatures_match_twilio_library(void **state)
{
	size_t	 i;

	for (i = 0; i < NELEM(vecs); i++) {
		struct twilio_form	 f;
		char			 sig[TWILIO_SIG_LEN + 1];

		assert_int_equal(twilio_form_parse(vecs[i].body,
		    strlen(vecs[i].body), &f), 0);
		assert_int_equal(twilio_sig_compute(vecs[i].token,
		    vecs[i].url, &f, sig), 0);
		if (strcmp(sig, vecs[i].sig) != 0)
			fail_msg("%s: got %s, want %s", vecs[i].what, sig,
			    vecs[i].sig);
		if (twilio_sig_verify(vecs[i].token, vecs[i].url, &f,
		    vecs[i].sig) != 0)
			fail_msg("%s: does not verify", vecs[i].what);
		twilio_form_free(&f);
	}
}

/*
 * Body=3a signed by python3-twilio 7.7.1 for each URL spelling, with
 * V("tok").compute_signature(URL, {"Body": "3a"}).
 */
#define SIG_H		"VZDieGlwIwZpLowpw00feAyKrnw="
#define SIG_H443	"eWnwXJKmSdA2ZrrOLDFVJALNoPQ="
#define SIG_HTTP	"sh3OXtiAYUimlG/fmCYOtZj90n4="
#define SIG_HTTP80	"BiAjiRgG5CVK3BQKlr0uaLiR1L8="
#define SIG_H8443	"UNjoleVpEuqnUH6u7lfqdDI41Tg="
#define SIG_H80		"DMy4FetihUCbU4Siug+BJADBq50="
#define SIG_USER443	"SgZe5eAh2sy5lRZqqB8XFWsCsLI="
#define SIG_V6_443	"l/KP+732E3vFLYm2eaf0fPvu1LY="
#define SIG_V6		"Z4HUvuW76dQNQyhzG0oYmZg1V8M="
#define SIG_BARE	"J/2U2YF+2CqPTstOHd/dRsCrXGU="
#define SIG_BARE443	"fbYlXGMLb5aE440eM1KshjzTABk="

/*
 * SIG_H is https://h.example/x, SIG_H443 https://h.example:443/x,
 * SIG_HTTP(80) the same over http, SIG_H8443 and SIG_H80 with those
 * ports, SIG_USER443 https://user@h.example:443/x?q=1, SIG_V6(_443)
 * https://[2001:db8::1](:443)/x, SIG_BARE(443) https://h.example(:443).
 */
static const struct port_row {
	const char	*configured;
	const char	*sig;		/* as Twilio signed it */
	int		 want;
} port_rows[] = {
	{ "https://h.example/x",	SIG_H,		 0 },
	{ "https://h.example/x",	SIG_H443,	 0 },
	{ "https://h.example:443/x",	SIG_H,		 0 },
	{ "https://h.example:443/x",	SIG_H443,	 0 },
	/* The scheme is signed as written. */
	{ "HTTPS://h.example/x",	SIG_H443,	-1 },
	{ "http://h.example/x",		SIG_HTTP80,	 0 },
	{ "http://h.example:80/x",	SIG_HTTP,	 0 },
	/* 80 is not https's default port. */
	{ "https://h.example/x",	SIG_H80,	-1 },
	{ "https://h.example/x",	SIG_H8443,	-1 },
	{ "https://h.example:8443/x",	SIG_H8443,	 0 },
	{ "https://h.example:8443/x",	SIG_H,		-1 },
	{ "http://h.example/x",		SIG_H,		-1 },
	{ "https://user@h.example/x?q=1", SIG_USER443,	 0 },
	{ "https://[2001:db8::1]/x",	SIG_V6_443,	 0 },
	{ "https://[2001:db8::1]:443/x", SIG_V6,	 0 },
	{ "https://h.example",		SIG_BARE443,	 0 },
	{ "https://h.example:443",	SIG_BARE,	 0 },
};

static void
test_default_port_may_be_added_or_dropped(void **state)
{
	struct twilio_form	 f;
	size_t			 i;

	assert_int_equal(twilio_form_parse("Body=3a", 7, &f), 0);
	for (i = 0; i < NELEM(port_rows); i++)
		if (twilio_sig_verify("tok", port_rows[i].configured, &f,
		    port_rows[i].sig) != port_rows[i].want)
			fail_msg("row %zu: %s with %s: want %d", i,
			    port_rows[i].configured, port_rows[i].sig,
			    port_rows[i].want);
	twilio_form_free(&f);
}

#define FROM_BODY	"Body=3a&From=%2B15551230001"
#define FROM_SIG	"ft24C37rfiQf3rArJBnwUClATC4="

static void
test_forged_requests_are_refused(void **state)
{
	struct twilio_form	 f, g;
	char			 sig[TWILIO_SIG_LEN + 1];

	assert_int_equal(twilio_form_parse(FROM_BODY, strlen(FROM_BODY),
	    &f), 0);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f, FROM_SIG), 0);
	/* Whitespace around the header value is not part of it. */
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f,
	    " " FROM_SIG "\t"), 0);
	assert_int_equal(twilio_sig_verify("tok2", HOOK, &f, FROM_SIG), -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK "/", &f, FROM_SIG),
	    -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f, NULL), -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f, ""), -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f,
	    "ft24C37rfiQf3rArJBnwUClATC4"), -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f,
	    FROM_SIG "="), -1);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &f,
	    "Ft24C37rfiQf3rArJBnwUClATC4="), -1);
	/* Another sender, same signature. */
	assert_int_equal(twilio_form_parse("Body=3a&From=%2B15551230002",
	    27, &g), 0);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &g, FROM_SIG), -1);
	/* An added parameter changes the signature. */
	twilio_form_free(&g);
	assert_int_equal(twilio_form_parse(FROM_BODY "&Body=3r",
	    strlen(FROM_BODY) + 8, &g), 0);
	assert_int_equal(twilio_sig_verify("tok", HOOK, &g, FROM_SIG), -1);
	assert_int_equal(twilio_sig_compute("tok", HOOK, &g, sig), 0);
	assert_string_not_equal(sig, FROM_SIG);
	twilio_form_free(&g);
	twilio_form_free(&f);
}

static void
test_form_is_decoded_in_body_order(void **state)
{
	static const char	 body[] = "Body=3a+ok%21&From=%2B1555&Body=2r"
	    "&Empty=&Flag&Odd=%zz%4&Nul=a%00b";
	struct twilio_form	 f;

	assert_int_equal(twilio_form_parse(body, strlen(body), &f), 0);
	assert_int_equal(f.nparams, 7);
	assert_string_equal(f.params[0].name, "Body");
	assert_string_equal(f.params[0].value, "3a ok!");
	assert_int_equal(f.params[0].value_len, 6);
	assert_string_equal(f.params[1].value, "+1555");
	assert_string_equal(f.params[2].name, "Body");
	assert_string_equal(f.params[2].value, "2r");
	assert_string_equal(f.params[3].value, "");
	assert_string_equal(f.params[4].name, "Flag");
	assert_string_equal(f.params[4].value, "");
	assert_string_equal(f.params[5].value, "%zz%4");
	assert_int_equal(f.params[6].value_len, 3);
	assert_memory_equal(f.params[6].value, "a\0b", 3);
	/* The first of a repeated name. */
	assert_string_equal(twilio_form_get(&f, "Body"), "3a ok!");
	assert_string_equal(twilio_form_get(&f, "From"), "+1555");
	assert_null(twilio_form_get(&f, "To"));
	assert_null(twilio_form_get(&f, "body"));
	twilio_form_free(&f);
}

static void
test_body_is_not_read_past_len(void **state)
{
	struct twilio_form	 f;

	/* "%4" at the end of len must not borrow the byte after it. */
	assert_int_equal(twilio_form_parse("a=%41", 4, &f), 0);
	assert_int_equal(f.nparams, 1);
	assert_string_equal(f.params[0].value, "%4");
	twilio_form_free(&f);
	assert_int_equal(twilio_form_parse("", 0, &f), 0);
	assert_int_equal(f.nparams, 0);
	assert_null(twilio_form_get(&f, "Body"));
	twilio_form_free(&f);
	/* Freeing twice is harmless: free() leaves the form empty. */
	twilio_form_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures_match_twilio_library),
		cmocka_unit_test(test_default_port_may_be_added_or_dropped),
		cmocka_unit_test(test_forged_requests_are_refused),
		cmocka_unit_test(test_form_is_decoded_in_body_order),
		cmocka_unit_test(test_body_is_not_read_past_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
