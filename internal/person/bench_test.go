package person

import (
	"context"
	"fmt"
	"testing"

	"parcours/internal/store/storetest"
)

// BenchmarkRead is make bench's get a person and list persons (50) in
// the service, without HTTP: the door, the policy, the read and its
// grouped audit. With -benchmem it shows what a read allocates, which is
// what serve's collector works for under load (issue 17).
func BenchmarkRead(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			c := newCast(b, db)
			ctx := context.Background()
			worker := c.actors["worker"]
			var ids []string
			for i := range 60 {
				p, err := c.svc.Create(ctx, worker, Input{BirthName: sp(fmt.Sprintf("NOM%02d", i)), FirstNames: sp("Zoé Marie"),
					BirthDate: sp("1980-01-01"), Phone: sp("0611223344"), Email: sp("zoe@exemple.fr")})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, p.ID)
			}
			b.Run("get", func(b *testing.B) {
				b.ReportAllocs()
				for i := range b.N {
					if _, err := c.svc.Get(ctx, worker, ids[i%len(ids)]); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("list50", func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					page, err := c.svc.List(ctx, worker, "", 50)
					if err != nil || len(page.Items) != 50 {
						b.Fatal(len(page.Items), err)
					}
				}
			})
		})
	}
}
