/* plugins/pagerd_notifier.h — stub */
