package creative

import (
	"github.com/adshift/adshift/pipeline/strategy"
)

// structure is one way to write an arm's copy. Placeholders: {name} (the product's title, cut to
// fit), {brand}, {price} (formatted with its currency) and {leaf} (the category leaf). A
// structure that names the brand is only used when the brand adds to the name. Every arm has
// structures without {brand}.
type structure struct {
	headline, body, cta string
}

// copyBook holds the template copy: locale -> arm -> structures. Every phrase is either a fact
// from the product record or a claim-free invitation; none promises stock, discounts, rankings
// or anything else the record does not hold, and none uses a banned absolute word.
var copyBook = map[string]map[string][]structure{
	LocaleEN: {
		strategy.ArmValue: {
			{"{name} for {price}", "Get {name} from {brand} for {price}.", "Shop now"},
			{"{name} at {price}", "{name} at {price}. A sensible pick in {leaf}.", "See the price"},
			{"{price} for {name}", "Good value in {leaf}: {name} for {price}.", "Get yours"},
		},
		strategy.ArmQuality: {
			{"Made by {brand}", "{name} from {brand}, {price}. A considered choice in {leaf}.", "Discover more"},
			{"Quality {leaf} from {brand}", "Take a closer look at {name} from {brand}, {price}.", "Take a look"},
			{"{name}", "A well-made pick in {leaf}: {name}, {price}.", "View details"},
		},
		strategy.ArmTrend: {
			{"Fresh in {leaf}: {name}", "Refresh your {leaf} with {name} for {price}.", "Explore"},
			{"A new look for your {leaf}", "{name} brings something fresh to {leaf}, at {price}.", "See more"},
			{"Try {name}", "Stay current in {leaf} with {name} from {brand}, {price}.", "Explore"},
		},
		strategy.ArmUrgency: {
			{"Don't wait on {name}", "{name} is ready to order at {price}. Add it to your cart today.", "Order today"},
			{"Get {name} today", "Why wait? {name} from {brand} is {price} today.", "Add to cart"},
			{"{name}, ready when you are", "Order {name} now for {price} and tick {leaf} off your list.", "Buy now"},
		},
		strategy.ArmPersonal: {
			{"Picked for you: {name}", "Because you have been looking at {leaf}, we picked {name} for {price}.", "See your pick"},
			{"More in {leaf} for you", "You seem to like {leaf}. {name} from {brand} is {price}.", "Take a look"},
			{"For your {leaf} search", "Still browsing {leaf}? {name} could be the one, at {price}.", "Check it out"},
		},
		strategy.ArmBaseline: {
			{"{name}", "{name} from {brand}, {price}.", "Shop now"},
			{"{name} for {price}", "{name} in {leaf}, {price}.", "Learn more"},
			{"Discover {name}", "{name}, available for {price}.", "View product"},
		},
	},
	LocaleZH: {
		strategy.ArmValue: {
			{"{name}，仅需{price}", "{brand} 出品的{name}，售价{price}。", "立即购买"},
			{"{price}入手{name}", "{leaf}好物：{name}，售价{price}。", "马上查看"},
			{"实惠之选：{name}", "{name}现价{price}，{leaf}的实惠选择。", "去看看"},
		},
		strategy.ArmQuality: {
			{"{brand} 出品", "{brand} 出品的{name}，售价{price}，{leaf}品质之选。", "了解更多"},
			{"品质{leaf}：{name}", "细看{name}，{leaf}里值得信赖的选择，售价{price}。", "查看详情"},
			{"{name}", "用心之选：{name}，售价{price}。", "查看详情"},
		},
		strategy.ArmTrend: {
			{"{leaf}新鲜好物", "{name}为{leaf}带来新意，售价{price}。", "去探索"},
			{"试试{name}", "{leaf}新选择：{brand} {name}，{price}。", "去看看"},
			{"换个新花样：{name}", "跟上{leaf}潮流，{name}售价{price}。", "立即探索"},
		},
		strategy.ArmUrgency: {
			{"别再等了：{name}", "{name}现在即可下单，售价{price}，今天就加入购物车吧。", "今天下单"},
			{"今天就入手{name}", "何必再等？{brand} {name}今日售价{price}。", "加入购物车"},
			{"{name}，随时可购", "现在下单{name}，仅需{price}。", "立即购买"},
		},
		strategy.ArmPersonal: {
			{"为你挑选：{name}", "看你一直在关注{leaf}，为你挑选了{name}，售价{price}。", "查看推荐"},
			{"更多{leaf}，为你准备", "你似乎喜欢{leaf}。{brand} {name}售价{price}。", "去看看"},
			{"还在找{leaf}吗", "还在挑选{leaf}？{name}也许正合适，售价{price}。", "查看详情"},
		},
		strategy.ArmBaseline: {
			{"{name}", "{brand} {name}，售价{price}。", "立即购买"},
			{"{name}，{price}", "{leaf}：{name}，售价{price}。", "了解更多"},
			{"发现{name}", "{name}现已有售，售价{price}。", "查看商品"},
		},
	},
}

// genericName is the last-resort name of a product whose title, brand and category all break
// the guard's rules.
var genericName = map[string]string{LocaleEN: "this pick", LocaleZH: "这款好物"}

// genericLeaf names a category whose path has no readable level (REES46 records without a
// category code have only an id).
var genericLeaf = map[string]string{LocaleEN: "everyday essentials", LocaleZH: "日常用品"}

// priceFreeBook holds the copy for products whose price is unknown (PriceKnown is false): the
// same arms and tone as copyBook, and no {price} anywhere, so no ad ever shows a price of 0.
var priceFreeBook = map[string]map[string][]structure{
	LocaleEN: {
		strategy.ArmValue: {
			{"{name}", "Get {name} from {brand}. A sensible pick in {leaf}.", "See it"},
			{"Good value in {leaf}", "{name}: a sensible pick in {leaf}.", "Take a look"},
		},
		strategy.ArmQuality: {
			{"Made by {brand}", "{name} from {brand}. A considered choice in {leaf}.", "Discover more"},
			{"{name}", "A well-made pick in {leaf}: {name}.", "View details"},
		},
		strategy.ArmTrend: {
			{"Fresh in {leaf}: {name}", "Refresh your {leaf} with {name}.", "Explore"},
			{"A new look for your {leaf}", "{name} brings something fresh to {leaf}.", "See more"},
		},
		strategy.ArmUrgency: {
			{"Get {name} today", "Why wait? {name} from {brand} is ready to order.", "Add to cart"},
			{"Don't wait on {name}", "{name} is ready to order. Add it to your cart today.", "Order today"},
		},
		strategy.ArmPersonal: {
			{"Picked for you: {name}", "Because you have been looking at {leaf}, we picked {name}.", "See your pick"},
			{"For your {leaf} search", "Still browsing {leaf}? {name} could be the one.", "Check it out"},
		},
		strategy.ArmBaseline: {
			{"{name}", "{name} from {brand}.", "Shop now"},
			{"Discover {name}", "{name}, in {leaf}.", "View product"},
		},
	},
	LocaleZH: {
		strategy.ArmValue: {
			{"实惠之选：{name}", "{brand} 出品的{name}，{leaf}的实惠选择。", "去看看"},
			{"{leaf}好物", "{name}，{leaf}的实惠选择。", "马上查看"},
		},
		strategy.ArmQuality: {
			{"{brand} 出品", "{brand} 出品的{name}，{leaf}品质之选。", "了解更多"},
			{"{name}", "用心之选：{name}，{leaf}里值得信赖的选择。", "查看详情"},
		},
		strategy.ArmTrend: {
			{"{leaf}新鲜好物", "{name}为{leaf}带来新意。", "去探索"},
			{"换个新花样：{name}", "跟上{leaf}潮流，试试{name}。", "立即探索"},
		},
		strategy.ArmUrgency: {
			{"今天就入手{name}", "何必再等？{brand} {name}现在即可下单。", "加入购物车"},
			{"别再等了：{name}", "{name}现在即可下单，今天就加入购物车吧。", "今天下单"},
		},
		strategy.ArmPersonal: {
			{"为你挑选：{name}", "看你一直在关注{leaf}，为你挑选了{name}。", "查看推荐"},
			{"还在找{leaf}吗", "还在挑选{leaf}？{name}也许正合适。", "查看详情"},
		},
		strategy.ArmBaseline: {
			{"{name}", "{brand} {name}，现已有售。", "立即购买"},
			{"发现{name}", "{leaf}：{name}，现已有售。", "查看商品"},
		},
	},
}
