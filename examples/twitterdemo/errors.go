package main

import (
	"errors"

	"github.com/authcore/authcore/authcore"
)

func errorsIsNotFound(err error) bool { return errors.Is(err, authcore.ErrNotFound) }
