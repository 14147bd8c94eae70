/* gp-error.h: the one error domain of gluster-peer, mapped to the D-Bus
 * error names of the contract. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GP_ERROR (gp_error_quark ())

typedef enum {
  GP_ERROR_INVALID_ARGUMENT,   /* org.juju.GlusterPeer.Error.InvalidArgument */
  GP_ERROR_LIMIT_EXCEEDED,     /* org.juju.GlusterPeer.Error.LimitExceeded */
  GP_ERROR_INSUFFICIENT_PEERS, /* org.juju.GlusterPeer.Error.InsufficientPeers */
  GP_ERROR_FAILED,             /* org.juju.GlusterPeer.Error.Failed */
} GpError;

#define GP_ERROR_NUM_ERRORS (GP_ERROR_FAILED + 1)

GQuark gp_error_quark (void);

G_END_DECLS
