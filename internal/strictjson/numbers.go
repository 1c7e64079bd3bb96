package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
)

// ErrTrailingData means a JSON value was followed by more than white space.
var ErrTrailingData = errors.New("strictjson: trailing data after the JSON value")

// UnmarshalNumbers is json.Unmarshal with the numbers of free-form values
// (interface{} targets: data maps, claims) decoded as json.Number, their
// text, so that a 64-bit integer such as a Twitter id is not rounded to a
// float64. It is what the stores and the engine read their own JSON with;
// request bodies go through Decode.
func UnmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	// Not dec.More: it reports false for a stray "}" or "]", so "{}}" would
	// pass. Only JSON white space may follow the value.
	for _, c := range data[dec.InputOffset():] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return ErrTrailingData
		}
	}
	return nil
}
