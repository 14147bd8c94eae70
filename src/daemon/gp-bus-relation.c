/* gp-bus-relation.c: org.juju.GlusterPeer.Relation on sd-bus, one fallback
 * vtable for every relation: the handlers get the relation found by path. */
#include "config.h"

#include "gp-bus-private.h"

GETTER (get_name)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_relation_get_name (userdata));
}

GETTER (get_id)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_relation_get_id (userdata));
}

GETTER (get_ids)
{
  return sd_bus_message_append_strv (reply, (char **) gp_model_relation_get_ids (userdata));
}

/* One entry of an a{s(sas)}: unit name -> (address, bricks). */
static int
append_unit_info (sd_bus_message *reply, const char *unit, const char *address,
                  const char *const *bricks)
{
  int r;

  if ((r = sd_bus_message_open_container (reply, 'e', "s(sas)")) < 0 ||
      (r = sd_bus_message_append (reply, "s", unit)) < 0 ||
      (r = sd_bus_message_open_container (reply, 'r', "sas")) < 0 ||
      (r = sd_bus_message_append (reply, "s", address)) < 0 ||
      (r = sd_bus_message_append_strv (reply, (char **) bricks)) < 0 ||
      (r = sd_bus_message_close_container (reply)) < 0)
    return r;
  return sd_bus_message_close_container (reply);
}

GETTER (get_departed)
{
  g_autoptr(GVariant) departed = gp_model_relation_get_departed (userdata);
  GVariantIter iter;
  const char *unit, *address;
  g_autofree const char **bricks = NULL;
  int r;

  r = sd_bus_message_open_container (reply, 'a', "{s(sas)}");
  g_variant_iter_init (&iter, departed);
  while (r >= 0 && g_variant_iter_next (&iter, "{&s(&s^a&s)}", &unit, &address, &bricks))
    {
      r = append_unit_info (reply, unit, address, bricks);
      g_clear_pointer (&bricks, g_free);
    }
  return r < 0 ? r : sd_bus_message_close_container (reply);
}

GETTER (get_problems)
{
  return sd_bus_message_append_strv (reply,
                                     (char **) gp_model_relation_get_problems (userdata));
}

GETTER (get_states)
{
  g_auto(GStrv) states = gp_model_relation_get_states (userdata);

  return sd_bus_message_append_strv (reply, states);
}

GETTER (get_units)
{
  GPtrArray *units = gp_model_relation_get_units (userdata);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_full (units->len, g_free);

  for (guint i = 0; i < units->len; i++)
    g_ptr_array_add (paths, gp_bus_unit_path (units->pdata[i]));
  return gp_bus_append_paths (reply, paths);
}

GETTER (get_local_unit)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_relation_get_local_unit (userdata));
}

GETTER (get_local_settings)
{
  return gp_bus_append_settings (reply, gp_model_relation_get_local_settings (userdata));
}

/* ---- the local unit's methods (privileged) ---- */

static int
reply_result (sd_bus_message *m, gboolean ok, const GError *error, sd_bus_error *ret_error)
{
  return ok ? sd_bus_reply_method_return (m, NULL) : gp_bus_return_error (ret_error, error);
}

static int
method_set_local_unit (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = gp_bus_current (sd_bus_message_get_bus (m));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = NULL;
  const char *unit;
  int r;

  if ((r = sd_bus_message_read (m, "s", &unit)) < 0 ||
      (r = gp_bus_read_settings (m, &settings)) < 0)
    return r;
  gboolean ok = gp_model_set_local_unit (self->model, userdata, unit, settings, &error);

  return reply_result (m, ok, error, ret_error);
}

static int
method_set_address (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = gp_bus_current (sd_bus_message_get_bus (m));
  g_autoptr(GError) error = NULL;
  const char *type, *address;
  int r;

  if ((r = sd_bus_message_read (m, "ss", &type, &address)) < 0)
    return r;
  gboolean ok = gp_model_set_address (self->model, userdata, type, address, &error);

  return reply_result (m, ok, error, ret_error);
}

static int
method_set_bricks (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = gp_bus_current (sd_bus_message_get_bus (m));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = NULL;
  int r;

  if ((r = sd_bus_message_read_strv (m, &bricks)) < 0)
    return r;
  if (bricks == NULL)
    bricks = g_new0 (char *, 1);
  gboolean ok = gp_model_set_bricks (self->model, userdata, (const char *const *) bricks, &error);

  return reply_result (m, ok, error, ret_error);
}

static int
method_send_all (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = gp_bus_current (sd_bus_message_get_bus (m));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = NULL;
  int r;

  if ((r = gp_bus_read_settings (m, &settings)) < 0)
    return r;
  gboolean ok = gp_model_send_all (self->model, userdata, settings, &error);

  return reply_result (m, ok, error, ret_error);
}

static int
method_clear_state (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = gp_bus_current (sd_bus_message_get_bus (m));
  g_autoptr(GError) error = NULL;
  const char *state;
  int r;

  if ((r = sd_bus_message_read (m, "s", &state)) < 0)
    return r;
  gboolean ok = gp_model_clear_state (self->model, userdata, state, &error);

  return reply_result (m, ok, error, ret_error);
}

/* ---- queries (anyone) ---- */

static int
method_ip_map (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  g_autoptr(sd_bus_message) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) entries = NULL;
  const char *key;
  int r;

  if ((r = sd_bus_message_read (m, "s", &key)) < 0)
    return r;
  entries = gp_model_peer_entries (userdata, key, FALSE, NULL, &error);
  if (entries == NULL)
    return gp_bus_return_error (ret_error, error);
  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_open_container (reply, 'a', "(ss)")) < 0)
    return r;
  for (guint i = 0; i < entries->len; i++)
    {
      GpPeerEntry *entry = &g_array_index (entries, GpPeerEntry, i);

      if ((r = sd_bus_message_append (reply, "(ss)", entry->host_name, entry->address)) < 0)
        return r;
    }
  if ((r = sd_bus_message_close_container (reply)) < 0)
    return r;
  return sd_bus_send (NULL, reply, NULL);
}

static int
method_brick_map (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GPtrArray *units = gp_model_relation_get_units (userdata);
  g_autoptr(sd_bus_message) reply = NULL;
  int r;

  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_open_container (reply, 'a', "{sas}")) < 0)
    return r;
  for (guint i = 0; i < units->len; i++)
    {
      GpModelUnit *unit = units->pdata[i];

      if ((r = sd_bus_message_open_container (reply, 'e', "sas")) < 0 ||
          (r = sd_bus_message_append_basic (reply, 's', gp_model_unit_get_host_name (unit))) < 0 ||
          (r = sd_bus_message_append_strv (reply, (char **) gp_model_unit_get_bricks (unit))) < 0 ||
          (r = sd_bus_message_close_container (reply)) < 0)
        return r;
    }
  if ((r = sd_bus_message_close_container (reply)) < 0)
    return r;
  return sd_bus_send (NULL, reply, NULL);
}

static int
method_peer_info (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  g_autoptr(sd_bus_message) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) entries = NULL;
  g_auto(GStrv) local_bricks = NULL;
  const char *key;
  int r;

  if ((r = sd_bus_message_read (m, "s", &key)) < 0)
    return r;
  entries = gp_model_peer_entries (userdata, key, TRUE, &local_bricks, &error);
  if (entries == NULL)
    return gp_bus_return_error (ret_error, error);
  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_open_container (reply, 'a', "{s(sas)}")) < 0)
    return r;
  for (guint i = 0; i < entries->len; i++)
    {
      GpPeerEntry *entry = &g_array_index (entries, GpPeerEntry, i);

      if ((r = append_unit_info (reply, entry->name, entry->address,
                                 (const char *const *) entry->bricks)) < 0)
        return r;
    }
  if ((r = sd_bus_message_close_container (reply)) < 0)
    return r;
  return sd_bus_send (NULL, reply, NULL);
}

static int
method_retrieve_remote (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  g_autoptr(sd_bus_message) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  const char *key;
  int r;

  if ((r = sd_bus_message_read (m, "s", &key)) < 0)
    return r;
  values = gp_model_retrieve_remote (userdata, key, &error);
  if (values == NULL)
    return gp_bus_return_error (ret_error, error);
  g_ptr_array_add (values, NULL);
  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_append_strv (reply, (char **) values->pdata)) < 0)
    return r;
  return sd_bus_send (NULL, reply, NULL);
}

/* A queued VolumeBricks that has to place the bricks afresh answers on a
 * second turn, so the placement and the reply each hold the loop once,
 * and a privileged call read in between waits for one of them, not both. */
static int
method_volume_bricks (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  g_autoptr(sd_bus_message) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *bricks = NULL;
  const char *key;
  uint32_t replica;
  int r;

  if ((r = sd_bus_message_read (m, "us", &replica, &key)) < 0)
    return r;
  if (gp_bus_guard_is_served_again (m))
    bricks = gp_model_volume_bricks_last (userdata, replica, key);
  if (bricks == NULL)
    {
      gboolean kept = gp_model_volume_bricks_is_kept (userdata, replica, key);

      bricks = gp_model_volume_bricks (userdata, replica, key, &error);
      if (bricks == NULL)
        return gp_bus_return_error (ret_error, error);
      if (!kept && gp_bus_guard_serve_again (m))
        return 0;
    }
  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_append_strv (reply, (char **) bricks)) < 0)
    return r;
  return sd_bus_send (NULL, reply, NULL);
}

#define EMITS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define QUERY SD_BUS_VTABLE_UNPRIVILEGED

const sd_bus_vtable gp_bus_relation_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_PROPERTY ("Name", "s", get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
  SD_BUS_PROPERTY ("Id", "s", get_id, 0, EMITS),
  SD_BUS_PROPERTY ("States", "as", get_states, 0, EMITS),
  SD_BUS_PROPERTY ("Units", "ao", get_units, 0, EMITS),
  SD_BUS_PROPERTY ("LocalUnit", "s", get_local_unit, 0, EMITS),
  SD_BUS_PROPERTY ("LocalSettings", "a{ss}", get_local_settings, 0, EMITS),
  SD_BUS_PROPERTY ("Ids", "as", get_ids, 0, EMITS),
  SD_BUS_PROPERTY ("Departed", "a{s(sas)}", get_departed, 0, EMITS),
  SD_BUS_PROPERTY ("Problems", "as", get_problems, 0, EMITS),
  SD_BUS_METHOD_WITH_NAMES ("SetLocalUnit", "sa{ss}", SD_BUS_PARAM (unit) SD_BUS_PARAM (settings),
                            "", , method_set_local_unit, 0),
  SD_BUS_METHOD_WITH_NAMES ("SetAddress", "ss",
                            SD_BUS_PARAM (address_type) SD_BUS_PARAM (address),
                            "", , method_set_address, 0),
  SD_BUS_METHOD_WITH_NAMES ("SetBricks", "as", SD_BUS_PARAM (bricks), "", , method_set_bricks, 0),
  SD_BUS_METHOD_WITH_NAMES ("SendAll", "a{ss}", SD_BUS_PARAM (settings), "", , method_send_all, 0),
  SD_BUS_METHOD_WITH_NAMES ("ClearState", "s", SD_BUS_PARAM (state), "", , method_clear_state, 0),
  SD_BUS_METHOD_WITH_NAMES ("IpMap", "s", SD_BUS_PARAM (address_key),
                            "a(ss)", SD_BUS_PARAM (map), method_ip_map, QUERY),
  SD_BUS_METHOD_WITH_NAMES ("BrickMap", "", , "a{sas}", SD_BUS_PARAM (map),
                            method_brick_map, QUERY),
  SD_BUS_METHOD_WITH_NAMES ("PeerInfo", "s", SD_BUS_PARAM (address_key),
                            "a{s(sas)}", SD_BUS_PARAM (info), method_peer_info, QUERY),
  SD_BUS_METHOD_WITH_NAMES ("RetrieveRemote", "s", SD_BUS_PARAM (key),
                            "as", SD_BUS_PARAM (values), method_retrieve_remote, QUERY),
  SD_BUS_METHOD_WITH_NAMES ("VolumeBricks", "us",
                            SD_BUS_PARAM (replica) SD_BUS_PARAM (address_key),
                            "as", SD_BUS_PARAM (bricks), method_volume_bricks, QUERY),
  SD_BUS_VTABLE_END
};
