package dataset

import "testing"

func TestTidyTitle(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := tidyTitle(in); got != want {
			t.Errorf("tidyTitle(%q) = %q, want %q", in, got, want)
		}
	}
	f("WHITE HANGING HEART T-LIGHT HOLDER", "White Hanging Heart T-Light Holder")
	f(" PACK OF 72 RETROSPOT CAKE CASES ", "Pack of 72 Retrospot Cake Cases")
	f("ELEPHANT, BIRTHDAY CARD, ", "Elephant, Birthday Card")
	f("KEY FOB , SHED", "Key Fob, Shed")
	f("SWISS ROLL TOWEL, CHOCOLATE  SPOTS", "Swiss Roll Towel, Chocolate Spots")
	f("DOLLY GIRL'S BEAKER", "Dolly Girl's Beaker")
	f("POLYESTER FILLER PAD 60x40cm", "Polyester Filler Pad 60x40cm")
	f("THE KING GIFT BAG", "The King Gift Bag")
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
