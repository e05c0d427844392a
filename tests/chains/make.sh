#!/bin/sh
# tests/chains/make.sh: regenerates the offline DANE vectors (certificates
# valid for a century, so that the tests never depend on the day they run):
# a root CA, an intermediate (pathlen 0) and a leaf for www.example.com
# (SAN www.example.com, *.example.net), EC P-256.  Run it here; commit the
# result.  The keys are test keys, for nothing else.
set -eu
cd "$(dirname "$0")"
days=36500
cat >ext.cnf <<'X'
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[int]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com, DNS:*.example.net
authorityKeyIdentifier = keyid
X
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key root.key; key int.key; key leaf.key
openssl req -new -x509 -key root.key -subj "/O=daneprobe tests/CN=Test Root CA" -days $days \
    -extensions root -config ext.cnf -out root.pem 2>/dev/null ||
openssl req -new -x509 -key root.key -subj "/O=daneprobe tests/CN=Test Root CA" -days $days \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
openssl req -new -key int.key -subj "/O=daneprobe tests/CN=Test Intermediate CA" -out int.csr
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days $days \
    -extfile ext.cnf -extensions int -out int.pem 2>/dev/null
openssl req -new -key leaf.key -subj "/O=daneprobe tests/CN=www.example.com" -out leaf.csr
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 3 -days $days \
    -extfile ext.cnf -extensions leaf -out leaf.pem 2>/dev/null
openssl x509 -in leaf.pem -outform DER -out leaf.der
cat leaf.pem int.pem >chain.pem
cat leaf.pem int.pem root.pem >full.pem
# What "openssl s_client -showcerts" prints around the blocks.
{
	echo "CONNECTED(00000003)"
	echo "---"
	echo "Certificate chain"
	echo " 0 s:O = daneprobe tests, CN = www.example.com"
	echo "   i:O = daneprobe tests, CN = Test Intermediate CA"
	cat leaf.pem
	echo " 1 s:O = daneprobe tests, CN = Test Intermediate CA"
	echo "   i:O = daneprobe tests, CN = Test Root CA"
	cat int.pem
	echo "---"
	echo "Server certificate"
	echo "subject=O = daneprobe tests, CN = www.example.com"
	echo "DONE"
} >showcerts.txt
rm -f int.csr leaf.csr ext.cnf
