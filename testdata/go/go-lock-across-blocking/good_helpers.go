package fixtures

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// renew does ACME-style network work; CheckCertificates calls it with no lock held.
func (m *Manager) renew(route *Route) error {
	for attempt := 1; attempt <= 3; attempt++ {
		resp, err := http.Get("https://acme.example/renew?host=" + route.Host)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(time.Duration(attempt) * 10 * time.Second)
	}
	return errors.New("renewal failed for " + route.Host)
}

// canonicalHost lower-cases a host and drops its port; it does not block.
func canonicalHost(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.ToLower(host)
}
