/*
 * lib/rota_config.h — the key tables of people { }, holidays { } and
 * rotas { } for the config walker (lib/config.c). Private to
 * lib/config*.c and lib/rota_config.c; the model is in lib/rota.h.
 */
#ifndef PAGERD_ROTA_CONFIG_H
#define PAGERD_ROTA_CONFIG_H

#include "config_schema.h"

extern const struct csection	rota_people_section;
extern const struct csection	esc_contact_section;
extern const struct csection	rota_holidays_section;
extern const struct csection	rota_rotas_section;

#endif /* PAGERD_ROTA_CONFIG_H */
