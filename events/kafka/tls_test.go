package kafka_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/authcore/authcore/authcore"
)

// selfSigned makes a certificate for 127.0.0.1 and returns it with its PEM.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestTLS(t *testing.T) {
	cert, caPEM := selfSigned(t)
	c := newCluster(t, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	for _, tc := range []struct {
		name      string
		trust     string
		delivered bool
	}{
		{"the broker's CA in the truststore", caPEM, true},
		{"system roots do not trust the broker: events wait", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := producerFor(c)
			p["security.protocol"] = "SSL"
			if tc.trust != "" {
				p["ssl.truststore.type"] = "PEM"
				p["ssl.truststore.certificates"] = tc.trust
			}
			env := newKafkaEnv(t, p)
			env.Account("1", "ada", "ada@example.com")
			env.MustLogin("1")
			if tc.delivered {
				require.Eventually(t, func() bool { return env.mem.OutboxLen() == 0 }, 10*time.Second, 5*time.Millisecond)
				return
			}
			require.Eventually(t, func() bool {
				res, err := env.Engine.SearchEventLogs(env.Ctx, authcore.EventLogSearchCriteria{Message: "Event delivery failed", Type: authcore.EventLogError})
				require.NoError(t, err)
				return res.Total > 0
			}, 10*time.Second, 10*time.Millisecond)
			require.Equal(t, 6, env.mem.OutboxLen())
		})
	}
}
