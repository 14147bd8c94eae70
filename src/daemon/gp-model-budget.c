/* gp-model-budget.c: the total state is bounded, so that every reply,
 * GetManagedObjects included, fits the bus's message limit (32 MiB on the
 * system bus): no reply ever costs the daemon its connection. */
#include "config.h"

#include <string.h>

#include "gp-error.h"
#include "gp-model-private.h"

/* What one object costs beyond its data: its path, interface and property
 * names and their framing in GetManagedObjects, with room to spare. */
#define OBJECT_OVERHEAD 512
/* D-Bus framing of one string (length, NUL, padding) or dict entry. */
#define STRING_OVERHEAD 8
#define ENTRY_OVERHEAD 24

/* A bag appears in Settings (or LocalSettings) and, split up, in Address,
 * Addresses and Problems: twice its size bounds them. */
static gsize
bag_cost (GVariant *settings, gsize *longest_address)
{
  GVariantIter iter;
  const char *key, *value;
  gsize cost = 0;

  *longest_address = 0;
  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      gsize length = strlen (value);

      cost += 2 * (strlen (key) + length + ENTRY_OVERHEAD);
      /* Any key may be asked for as an address; only a short value
       * without white space can be one. */
      if (length <= 255 && strpbrk (value, " \t\n\r") == NULL)
        *longest_address = MAX (*longest_address, length);
    }
  return cost;
}

/* Each brick is in Bricks (BrickMap, PeerInfo) and, after its host's
 * address, in VolumeBricks. */
static gsize
bricks_cost (const char *const *bricks, gsize longest_address)
{
  gsize cost = 0;

  for (guint i = 0; bricks && bricks[i]; i++)
    cost += 2 * (strlen (bricks[i]) + STRING_OVERHEAD) + longest_address + 1;
  return cost;
}

gsize
gp_model_unit_cost (GVariant *settings, const char *const *bricks)
{
  gsize longest_address;
  gsize cost = OBJECT_OVERHEAD + bag_cost (settings, &longest_address);

  return cost + bricks_cost (bricks, longest_address);
}

/* A departed unit is one entry of the relation's Departed property. */
gsize
gp_model_departed_cost (const char *address, const char *const *bricks)
{
  return 2 * (strlen (address) + ENTRY_OVERHEAD) + bricks_cost (bricks, 0);
}

gsize
gp_model_relation_cost (GVariant *local_settings)
{
  gsize longest_address;

  /* The local bricks are within the bag; PeerInfo and VolumeBricks repeat
   * them, which the bag's double cost covers. */
  return OBJECT_OVERHEAD + bag_cost (local_settings, &longest_address);
}

gboolean
gp_model_budget_check (GpModel *self, gsize old_cost, gsize new_cost, GError **error)
{
  gsize size = self->state_size - MIN (old_cost, self->state_size) + new_cost;

  if (new_cost <= old_cost || size <= self->state_budget)
    return TRUE;
  g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
               "the state would grow to %" G_GSIZE_FORMAT " bytes; its budget is %"
               G_GSIZE_FORMAT " (--max-state-size)", size, self->state_budget);
  return FALSE;
}

void
gp_model_budget_update (GpModel *self, gsize *cost, gsize new_cost)
{
  self->state_size -= MIN (*cost, self->state_size);
  self->state_size += new_cost;
  *cost = new_cost;
}

void
gp_model_set_state_budget (GpModel *self, gsize budget)
{
  self->state_budget = budget;
  if (self->state_size > budget)
    g_message ("The stored state (%" G_GSIZE_FORMAT " bytes) is over its budget of %"
               G_GSIZE_FORMAT "; it is served, and nothing may grow it", self->state_size,
               budget);
}

gsize
gp_model_get_state_size (GpModel *self)
{
  return self->state_size;
}
