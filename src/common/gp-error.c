#include "config.h"

#include "gp-error.h"

static const GDBusErrorEntry gp_error_entries[] = {
  { GP_ERROR_INVALID_ARGUMENT, "org.juju.GlusterPeer.Error.InvalidArgument" },
  { GP_ERROR_LIMIT_EXCEEDED, "org.juju.GlusterPeer.Error.LimitExceeded" },
  { GP_ERROR_INSUFFICIENT_PEERS, "org.juju.GlusterPeer.Error.InsufficientPeers" },
  { GP_ERROR_FAILED, "org.juju.GlusterPeer.Error.Failed" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (gp_error_entries) == GP_ERROR_NUM_ERRORS);

/* Registering the domain once here means a GError raised anywhere in the
 * daemon travels as the contract's D-Bus name, and a client that links this
 * library gets the same GError back from a proxy call. */
GQuark
gp_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("gp-error-quark", &quark,
                                      gp_error_entries,
                                      G_N_ELEMENTS (gp_error_entries));
  return (GQuark) quark;
}
