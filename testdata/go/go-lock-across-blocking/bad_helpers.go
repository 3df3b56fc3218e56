package fixtures

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// (a) ACME-style renewal: network round trips with a back-off sleep between attempts.
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

// (j) One HTTP request per dirty key.
func (s *Syncer) push(key string) {
	req, err := http.NewRequest(http.MethodPut, "https://sync.example/"+key, strings.NewReader(key))
	if err != nil {
		return
	}
	if resp, err := s.client.Do(req); err == nil {
		resp.Body.Close()
	}
}
