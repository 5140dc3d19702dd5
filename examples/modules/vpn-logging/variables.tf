# Which connections: exactly one of vpn_connection_ids and tags.

variable "vpn_connection_ids" {
  description = "The VPN connections whose tunnels log, by ID (`vpn-...`). Set this or `tags`, not both."
  type        = set(string)
  default     = null

  validation {
    condition     = var.vpn_connection_ids == null || length(coalesce(var.vpn_connection_ids, [])) > 0
    error_message = "vpn_connection_ids is empty, which would select no connection. List at least one VPN connection ID, or leave it unset and select by tags."
  }

  validation {
    condition     = alltrue([for id in coalesce(var.vpn_connection_ids, []) : can(regex("^vpn-([0-9a-f]{8}|[0-9a-f]{17})$", id))])
    error_message = "Every entry of vpn_connection_ids must be a VPN connection ID: \"vpn-\" followed by 8 or 17 lower-case hexadecimal digits, for example vpn-0123456789abcdef0."
  }
}

variable "tags" {
  description = "Select the VPN connections that carry all of these tags with these values, for example `{ env = \"prod\" }`. Set this or `vpn_connection_ids`, not both."
  type        = map(string)
  default     = null

  validation {
    condition     = (var.tags == null) != (var.vpn_connection_ids == null)
    error_message = "Select the VPN connections with exactly one of vpn_connection_ids (their IDs) and tags (the tags they carry): the module enables logging on every tunnel of the selection, so it does not guess one."
  }

  validation {
    condition     = var.tags == null || length(coalesce(var.tags, {})) > 0
    error_message = "tags is empty, which would select every VPN connection of the region. Name the tags to match, for example { env = \"prod\" }, or list the connections in vpn_connection_ids."
  }
}

# Where the logs go.

variable "log_group_name" {
  description = "The log group every tunnel delivers its tunnel and BGP logs to. It must start with `/aws/vendedlogs/`, so that delivery adds at most one wildcard entry to the account's CloudWatch Logs resource policy however many tunnels log."
  type        = string
  default     = "/aws/vendedlogs/vpn/site-to-site"

  validation {
    condition     = startswith(var.log_group_name, "/aws/vendedlogs/")
    error_message = "log_group_name must start with /aws/vendedlogs/. Delivery to a group outside it adds one entry per group to the account-wide CloudWatch Logs resource policy, which holds 5,120 characters; groups under /aws/vendedlogs/ share one wildcard entry. For example: /aws/vendedlogs/vpn/prod."
  }

  validation {
    condition     = length(var.log_group_name) <= 512 && can(regex("^[A-Za-z0-9_/.#-]+$", var.log_group_name))
    error_message = "log_group_name must be at most 512 characters from a-z, A-Z, 0-9, _, -, /, . and #, as CloudWatch Logs requires."
  }
}

variable "create_log_group" {
  description = "Create the log group (`true`), or deliver to an existing one of that name (`false`: the plan fails if it does not exist)."
  type        = bool
  default     = true
}

variable "log_group_retention_in_days" {
  description = "Days the created log group keeps events; `null` keeps them forever. Ignored when `create_log_group` is `false`."
  type        = number
  default     = 30

  validation {
    condition     = var.log_group_retention_in_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.log_group_retention_in_days, 0))
    error_message = "log_group_retention_in_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 (or null to keep events forever)."
  }
}

variable "log_group_tags" {
  description = "Tags of the created log group."
  type        = map(string)
  default     = {}
}

variable "output_format" {
  description = "Format of the delivered logs: `json` (what health reads best) or `text`."
  type        = string
  default     = "json"

  validation {
    condition     = contains(["json", "text"], var.output_format)
    error_message = "output_format must be \"json\" or \"text\"."
  }
}

variable "bgp_log" {
  description = "Deliver each tunnel's BGP log (session state, route updates) as well as its activity log. Without it, health cannot see BGP."
  type        = bool
  default     = true
}

# Checks and health.

variable "health_lookback" {
  description = "How far back health reads the logs, a Go duration such as `30m`, `1h` or `24h` (between 1m and 2160h)."
  type        = string
  default     = "1h"

  validation {
    condition     = can(regex("^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$", var.health_lookback))
    error_message = "health_lookback must be a Go duration such as 30m, 1h or 24h."
  }
}

variable "warn_on_statuses" {
  description = "Tunnel statuses the `vpn_tunnels_healthy` check warns about, with each tunnel's root cause and fix: any of `down`, `degraded`, `unknown`. Empty turns the check off."
  type        = set(string)
  default     = ["down"]

  validation {
    condition     = alltrue([for s in var.warn_on_statuses : contains(["down", "degraded", "unknown"], s)])
    error_message = "warn_on_statuses may hold only \"down\", \"degraded\" and \"unknown\"."
  }
}

variable "check_permissions" {
  description = "Simulate the caller's IAM permissions for enabling log delivery on every plan (one `iam:SimulatePrincipalPolicy` call), warn through the `vpn_logging_permissions` check when one is missing, and report them in the `permissions` output. The provider also checks them, and fails the plan, when a plan changes logging."
  type        = bool
  default     = true
}
