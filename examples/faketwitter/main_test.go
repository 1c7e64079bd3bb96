package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authcore/authcore/idp/twitter/twittertest"
)

// TestControlAPIRefusesBadJSONOnce: a body that is not JSON is answered
// with the decoder's error alone. The handlers used to go on to their own
// check after decode had answered, which wrote a second status (logged as a
// superfluous WriteHeader) and appended a second, misleading message.
func TestControlAPIRefusesBadJSONOnce(t *testing.T) {
	tw := twittertest.NewServer()
	defer tw.Close()
	api := controlAPI(tw)
	for _, path := range []string{"/consumers", "/accounts"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{")))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", rec.Code)
			}
			if body := rec.Body.String(); !strings.HasPrefix(body, "bad JSON: ") || strings.Count(body, "\n") != 1 {
				t.Errorf("body %q, want the decoder's error alone", body)
			}
		})
	}
}

// TestControlAPIRequiredFields: valid JSON without the required fields is
// refused with the message that names them.
func TestControlAPIRequiredFields(t *testing.T) {
	tw := twittertest.NewServer()
	defer tw.Close()
	api := controlAPI(tw)
	for path, want := range map[string]string{
		"/consumers": "key and secret are required\n",
		"/accounts":  "id is required\n",
	} {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}")))
		if rec.Code != http.StatusBadRequest || rec.Body.String() != want {
			t.Errorf("%s: %d %q, want 400 %q", path, rec.Code, rec.Body.String(), want)
		}
	}
}
