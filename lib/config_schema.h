/* lib/config_schema.h */
#ifndef PAGERD_CONFIG_SCHEMA_H
#define PAGERD_CONFIG_SCHEMA_H
#endif
