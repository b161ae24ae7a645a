package dataset

import "testing"

func TestTidyTitle(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := tidyTitle(in); got != want {
			t.Errorf("tidyTitle(%q) = %q, want %q", in, got, want)
		}
	}
	f("WHITE HANGING HEART T-LIGHT HOLDER", "White hanging heart T-light holder")
	f(" PACK OF 72 RETROSPOT CAKE CASES ", "Pack of 72 retrospot cake cases")
	f("ELEPHANT, BIRTHDAY CARD, ", "Elephant, birthday card")
	f("KEY FOB , SHED", "Key fob, shed")
	f("SWISS ROLL TOWEL, CHOCOLATE  SPOTS", "Swiss roll towel, chocolate spots")
	f("DOLLY GIRL'S BEAKER", "Dolly girl's beaker")
	f("POLYESTER FILLER PAD 60x40cm", "Polyester filler pad 60x40cm")
	f("THE KING GIFT BAG", "The king gift bag")
	f("PAPER CHAIN KIT 50'S CHRISTMAS ", "Paper chain kit 50's Christmas")
	f("UNION JACK FLAG LUGGAGE TAG", "Union Jack flag luggage tag")
	f("SET OF 3 REGENCY CAKE TINS", "Set of 3 Regency cake tins")
	f("LED TEA LIGHTS", "LED tea lights")
	f("RETRO TV SHAPED TISSUE BOX", "Retro TV shaped tissue box")
	f("3D SHEET OF DOG STICKERS", "3D sheet of dog stickers")
	f("SET/9 CHRISTMAS T-LIGHTS SCENTED ", "Set/9 Christmas T-lights scented")
	f("HAND WARMER RED LOVE HEART", "Hand warmer red love heart")
	f("JUMBO BAG 50'S CHRISTMAS ", "Jumbo bag 50's Christmas")
	f("SET 12 KIDS COLOUR  CHALK STICKS", "Set 12 kids colour chalk sticks")
	f("   ", "")
}

func TestSnake(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
	f("Kitchen, Garden & Pets", "kitchen_garden_pets")
	f("Men's Grooming", "mens_grooming")
	f("Hair Oil & Serum", "hair_oil_serum")
	f(" Beverages ", "beverages")
}

func TestREES46Title(t *testing.T) {
	f := func(brand, category, want string) {
		t.Helper()
		if got := rees46Title(brand, category); got != want {
			t.Errorf("rees46Title(%q, %q) = %q, want %q", brand, category, got, want)
		}
	}
	f("samsung", "electronics.smartphone", "Samsung smartphone")
	f("aqua", "appliances.environment.water_heater", "Aqua water heater")
	f("", "furniture.living_room.sofa", "Sofa")
	f("shiseido", "category_id:2103807459595387724", "Shiseido")
	f("", "category_id:2103807459595387724", "")
}
