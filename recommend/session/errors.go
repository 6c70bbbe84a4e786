package session

import "errors"

var errUnknownSource = errors.New("session: unknown source (neighbors, popularity)")
