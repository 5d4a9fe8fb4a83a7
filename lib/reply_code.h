/*
 * lib/reply_code.h — choose the code a person types in front of an SMS
 * reply ("3a"). Codes are per recipient and the smallest free one is
 * taken, so they stay one digit for anyone with fewer than ten pages
 * open. Pure: the caller knows which codes are in use (the store).
 */
#ifndef PAGERD_REPLY_CODE_H
#define PAGERD_REPLY_CODE_H

#include <stddef.h>

/*
 * NAME
 *	reply_code_pick — the smallest code >= 1 not in used
 * ARGUMENTS
 *	used, nused: the codes of the person's open pages, in any order;
 *	    duplicates and values < 1 are ignored. used may be NULL when
 *	    nused is 0.
 * RETURNS
 *	A code in 1 .. nused + 1. Allocates nothing and does not modify
 *	used; takes O(nused) time for up to 256 codes in use.
 */
int	reply_code_pick(const int *used, size_t nused);

#endif /* PAGERD_REPLY_CODE_H */
