package web_test

func init() {
	addRows(
		// "Ma journée": every logged-in worker, each sees only their own day.
		matrixRow{Route: "GET /{$}", Path: fixed("/"), Want: all(200), Page: true},
	)
}
