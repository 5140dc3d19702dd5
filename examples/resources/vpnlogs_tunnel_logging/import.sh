# A tunnel's logging is imported by "<vpn_connection_id>/<tunnel_outside_ip_address>".
terraform import vpnlogs_tunnel_logging.tunnel1 vpn-0123456789abcdef0/203.0.113.10
