package multistore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Numbers in free-form data keep their exact value through every store, as
// FusionAuth keeps them: a 64-bit id (a Twitter id, a snowflake) above 2^53
// came back rounded when data was decoded into float64.
func TestDataNumbersKeepTheirValue(t *testing.T) {
	const (
		above53  = "9007199254740993"     // 2^53 + 1: the nearest float64 is 2^53
		above64  = "12345678901234567890" // above int64 too
		fraction = "0.1"
	)
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 2)[0]
			body := `{"user":{"email":"num@example.com","data":{"id":` + above53 + `,"big":` + above64 + `,"f":` + fraction + `,"list":[` + above53 + `]}}}`
			u := n.do("POST", "/api/user", body).m(t, "user")
			id, _ := u["id"].(string)
			require.NotEmpty(t, id)

			// A legacy merge PATCH adds another, through the patch engine.
			r := n.do("PATCH", "/api/user/"+id, `{"user":{"data":{"added":`+above64+`}}}`)
			require.Equal(t, 200, r.Code, r.Body)

			for _, got := range []string{r.Body, n.do("GET", "/api/user/"+id, "").Body} {
				var out struct {
					User struct {
						Data map[string]json.RawMessage `json:"data"`
					} `json:"user"`
				}
				require.NoError(t, json.Unmarshal([]byte(got), &out), got)
				d := out.User.Data
				assert.Equal(t, above53, string(d["id"]))
				assert.Equal(t, above64, string(d["big"]))
				assert.Equal(t, fraction, string(d["f"]))
				assert.Equal(t, "["+above53+"]", strings.ReplaceAll(string(d["list"]), " ", ""))
				assert.Equal(t, above64, string(d["added"]))
			}
		})
	}
}
