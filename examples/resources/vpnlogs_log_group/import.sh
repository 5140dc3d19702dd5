# A log group is imported by its name.
terraform import vpnlogs_log_group.vpn /aws/vendedlogs/vpn/prod
