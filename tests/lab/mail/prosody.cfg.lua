-- Prosody for the daneprobe lab (LAB_MAIL=1): its own instance, nothing
-- from /etc/prosody.  @D@ is replaced with LAB_DIR.  c2s 5222 and s2s 5269
-- on 127.0.3.4, STARTTLS required, for xmpp.secure.example.
-- It runs as root in the lab's namespace, so it can read the lab's key.
run_as_root = true
daemonize = false
pidfile = "@D@/prosody/prosody.pid"
data_path = "@D@/prosody/data"
log = { info = "@D@/prosody.log" }
interfaces = { "127.0.3.4" }
local_interfaces = { "127.0.3.4" }
c2s_ports = { 5222 }
s2s_ports = { 5269 }
c2s_direct_tls_ports = {}
s2s_direct_tls_ports = {}
legacy_ssl_ports = {}
http_ports = {}
https_ports = {}
component_ports = {}
modules_enabled = { "tls", "saslauth", "dialback", "posix" }
modules_disabled = { "offline" }
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = false
authentication = "internal_hashed"
storage = "memory"
-- An empty directory: no certificates picked up automatically.
certificates = "@D@/prosody/certs"
ssl = { certificate = "@D@/certs/www-chain.pem", key = "@D@/certs/www.key" }
VirtualHost "xmpp.secure.example"
    ssl = { certificate = "@D@/certs/www-chain.pem", key = "@D@/certs/www.key" }
